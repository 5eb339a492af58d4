package dev.switchboard.bridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * A credential (token, password, API key) that is read only when a call needs it and never shows
 * itself: {@link #toString()} says where it comes from, not what it is.
 *
 * <pre>{@code
 * Secret.fromEnv("TODO_TOKEN")            // read from the environment at each use
 * Secret.fromFile(Path.of("token.txt"))   // read from a file (trailing newline dropped)
 * Secret.of(token)                        // held in memory
 * }</pre>
 */
public final class Secret {
  private final String source;
  private final Function<String, String> reader;
  private final String key;

  private Secret(String source, String key, Function<String, String> reader) {
    this.source = source;
    this.key = key;
    this.reader = reader;
  }

  /** A secret held in memory. */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    return new Secret("value", "", k -> value);
  }

  /** A secret in an environment variable, read each time it is used. */
  public static Secret fromEnv(String variable) {
    Objects.requireNonNull(variable, "variable");
    return new Secret(
        "env:" + variable,
        variable,
        v -> {
          String value = System.getenv(v);
          if (value == null) {
            throw new IllegalStateException("environment variable " + v + " is not set");
          }
          return value;
        });
  }

  /** A secret in a file (its one line, without the trailing line break), read at each use. */
  public static Secret fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    return new Secret(
        "file:" + file,
        file.toString(),
        f -> {
          try {
            return Files.readString(Path.of(f), StandardCharsets.UTF_8).strip();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret in " + f, e);
          }
        });
  }

  /**
   * The secret itself. Call it only to put it on the wire.
   *
   * @throws IllegalStateException when the variable is not set
   * @throws UncheckedIOException when the file cannot be read
   */
  public String reveal() {
    return reader.apply(key);
  }

  @Override
  public String toString() {
    return "Secret[" + source + "]";
  }
}
