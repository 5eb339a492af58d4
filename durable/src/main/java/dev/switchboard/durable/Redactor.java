package dev.switchboard.durable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides what of a request reaches the oplog: it masks the values of sensitive headers and every
 * secret a call declares, and hashes what is left. Anything masked here is neither stored nor part
 * of the request hash, so a rotated credential is not a divergence and a short secret cannot be
 * recovered by guessing against its hash.
 *
 * <p>The default names the headers that carry credentials in HTTP and gRPC ({@code Authorization},
 * {@code Proxy-Authorization}, {@code Cookie}, {@code Set-Cookie}, {@code X-Api-Key}); adapters add
 * the header names their security schemes use.
 */
public final class Redactor {
  /** What replaces a masked value. */
  public static final String MASK = "<redacted>";

  private static final List<String> DEFAULT_HEADERS =
      List.of("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key");

  private final Set<String> sensitiveHeaders;

  private Redactor(Set<String> sensitiveHeaders) {
    this.sensitiveHeaders = Set.copyOf(sensitiveHeaders);
  }

  /** The credential headers of HTTP and gRPC. */
  public static Redactor defaults() {
    return builder().build();
  }

  /** Starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether values of the header {@code name} are masked (names compare ignoring case). */
  public boolean isSensitiveHeader(String name) {
    return sensitiveHeaders.contains(name.toLowerCase(Locale.ROOT));
  }

  /** The request hash and its display form for {@code call}, with everything sensitive masked. */
  RedactedRequest redact(DurableCall call) {
    byte[] body = call.body();
    for (String secret : call.secrets()) {
      body = replace(body, secret.getBytes(StandardCharsets.UTF_8), MASK_BYTES);
    }
    byte[] masked = body;
    return new RedactedRequest(hash(call.function(), masked), () -> display(call, masked));
  }

  private String display(DurableCall call, byte[] maskedBody) {
    String bodyDisplay = call.bodyDisplay();
    String display = bodyDisplay != null ? mask(bodyDisplay, call.secrets()) : shown(maskedBody);
    StringBuilder text = new StringBuilder(display);
    for (Map.Entry<String, String> header : call.headers()) {
      String value =
          isSensitiveHeader(header.getKey()) ? MASK : mask(header.getValue(), call.secrets());
      text.append('\n').append(header.getKey()).append(": ").append(value);
    }
    return text.toString();
  }

  private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.UTF_8);

  private static String shown(byte[] body) {
    return Outcome.printable(body);
  }

  private static String mask(String text, List<String> secrets) {
    String masked = text;
    for (String secret : secrets) {
      masked = masked.replace(secret, MASK);
    }
    return masked;
  }

  static String hash(String function, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(function.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(body);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static byte[] replace(byte[] haystack, byte[] needle, byte[] replacement) {
    List<Integer> hits = new ArrayList<>();
    for (int i = 0; i + needle.length <= haystack.length; ) {
      if (matchesAt(haystack, needle, i)) {
        hits.add(i);
        i += needle.length;
      } else {
        i++;
      }
    }
    if (hits.isEmpty()) {
      return haystack;
    }
    byte[] out = new byte[haystack.length + hits.size() * (replacement.length - needle.length)];
    int from = 0;
    int to = 0;
    for (int hit : hits) {
      System.arraycopy(haystack, from, out, to, hit - from);
      to += hit - from;
      System.arraycopy(replacement, 0, out, to, replacement.length);
      to += replacement.length;
      from = hit + needle.length;
    }
    System.arraycopy(haystack, from, out, to, haystack.length - from);
    return out;
  }

  private static boolean matchesAt(byte[] haystack, byte[] needle, int at) {
    for (int j = 0; j < needle.length; j++) {
      if (haystack[at + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }

  /**
   * A request as the oplog keeps it: the hash and the masked display form. The display is made only
   * when needed (recording, or reporting a divergence), never on the replay path.
   */
  static final class RedactedRequest {
    private final String hash;
    private final java.util.function.Supplier<String> display;

    RedactedRequest(String hash, java.util.function.Supplier<String> display) {
      this.hash = hash;
      this.display = display;
    }

    String hash() {
      return hash;
    }

    String display() {
      return display.get();
    }
  }

  /** Builds a {@link Redactor}. */
  public static final class Builder {
    private final Set<String> headers = new LinkedHashSet<>(DEFAULT_HEADERS);

    private Builder() {}

    /** Masks the values of header {@code name} (case does not matter). */
    public Builder sensitiveHeader(String name) {
      headers.add(name.toLowerCase(Locale.ROOT));
      return this;
    }

    public Redactor build() {
      return new Redactor(headers);
    }
  }
}
