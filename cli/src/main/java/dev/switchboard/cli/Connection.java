package dev.switchboard.cli;

import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.PrintWriter;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A channel to the command's target, with the user's metadata on every call (reflection included).
 */
final class Connection implements AutoCloseable {
  private final ManagedChannel managed;
  private final Channel channel;
  private final Metadata headers;

  private Connection(ManagedChannel managed, Metadata headers) {
    this.managed = managed;
    this.headers = headers;
    this.channel =
        headers.keys().isEmpty()
            ? managed
            : ClientInterceptors.intercept(
                managed, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /**
   * A connection to {@code targetText}, or null when no target was given (try-with-resources skips
   * it).
   */
  static @Nullable Connection openIfGiven(@Nullable String targetText, ConnectionOptions options)
      throws BadInputException {
    return targetText == null ? null : open(targetText, options);
  }

  static Connection open(String targetText, ConnectionOptions options) throws BadInputException {
    Target target = TargetConverter.parse("TARGET", targetText);
    Metadata headers = parseHeaders(options);
    SwitchboardChannel.Builder builder = SwitchboardChannel.builder(target).userAgent("sb");
    Optional<TlsConfig> tls = options.tls.forTarget(target);
    if (tls.isPresent()) {
      builder.tls(tls.get());
    } else {
      builder.plaintext();
    }
    return new Connection(builder.build(), headers);
  }

  static Metadata parseHeaders(ConnectionOptions options) throws BadInputException {
    Metadata metadata = new Metadata();
    for (String header : options.headers) {
      int colon = header.indexOf(':', header.startsWith(":") ? 1 : 0);
      if (colon <= 0) {
        throw new BadInputException("-H '" + header + "': write a header as 'name: value'");
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      try {
        if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          metadata.put(
              Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER), decodeBase64(header, value));
        } else {
          metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
        }
      } catch (IllegalArgumentException e) {
        throw new BadInputException("-H '" + header + "': " + e.getMessage());
      }
    }
    return metadata;
  }

  private static byte[] decodeBase64(String header, String value) throws BadInputException {
    String compact = value.replace("=", "");
    try {
      return compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(compact)
          : Base64.getDecoder().decode(compact);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          "-H '"
              + header
              + "': the value of a -bin header must be base64 ("
              + e.getMessage()
              + ")");
    }
  }

  Channel channel() {
    return channel;
  }

  /** Prints the request metadata, for --verbose. */
  void printRequestMetadata(PrintWriter err) {
    err.println("Request metadata to send:");
    printMetadata(err, headers);
  }

  static void printMetadata(PrintWriter err, Metadata metadata) {
    if (metadata.keys().isEmpty()) {
      err.println("(empty)");
    }
    for (String key : metadata.keys()) {
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (byte[] value :
            metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
          err.println(key + ": " + Base64.getEncoder().encodeToString(value));
        }
      } else {
        for (String value :
            metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
          err.println(key + ": " + value);
        }
      }
    }
  }

  @Override
  public void close() {
    managed.shutdownNow();
    try {
      managed.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
