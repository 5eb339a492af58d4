package dev.switchboard.durable;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The result of a call as the oplog records it: the ok case or the error case, each with the bytes
 * the adapter will decode again on replay (a WAVE value, a protobuf message, an HTTP body).
 *
 * <p>An error outcome is an answer from the peer (an HTTP 4xx, a gRPC status, the WIT error case)
 * and is recorded and replayed like an ok one. A failure that is not an answer (the connection
 * dropped, the deadline passed) is thrown by the call instead and is never recorded, because nobody
 * knows whether the peer acted on it.
 */
public final class Outcome {
  private final boolean ok;
  private final byte[] value;

  private Outcome(boolean ok, byte[] value) {
    this.ok = ok;
    this.value = value;
  }

  /** The ok case with its encoded value. */
  public static Outcome ok(byte[] value) {
    return new Outcome(true, value.clone());
  }

  /** The ok case with a text value, stored as UTF-8. */
  public static Outcome ok(String value) {
    return new Outcome(true, value.getBytes(StandardCharsets.UTF_8));
  }

  /** The error case with its encoded value. */
  public static Outcome error(byte[] value) {
    return new Outcome(false, value.clone());
  }

  /** The error case with a text value, stored as UTF-8. */
  public static Outcome error(String value) {
    return new Outcome(false, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether this is the ok case. */
  public boolean isOk() {
    return ok;
  }

  /** The encoded value (a copy). */
  public byte[] value() {
    return value.clone();
  }

  /** The value decoded as UTF-8; for values that are text. */
  public String text() {
    return new String(value, StandardCharsets.UTF_8);
  }

  /**
   * A one-line form for people: {@code ok "..."} or {@code error "..."} with the value as text when
   * it is valid UTF-8, otherwise its length.
   */
  public String describe() {
    return (ok ? "ok " : "error ") + printable(value);
  }

  static String printable(byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      if (text.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\t' || c == '\r')) {
        String line = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
      }
    } catch (CharacterCodingException notText) {
      // fall through to the length
    }
    return "<" + bytes.length + " bytes>";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Outcome other && ok == other.ok && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * Boolean.hashCode(ok) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return describe();
  }
}
