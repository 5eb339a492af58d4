package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The mapping rules on their own; {@code ExceptionMappingIT} runs them on a real server. */
class ExceptionMapperTest {
  private final ExceptionMapper defaults = ExceptionMapper.defaults();

  @Test
  void programmerErrorsAndCommonFailuresHaveTheirCodes() {
    assertThat(defaults.toStatus(new IllegalArgumentException("name: must not be empty")))
        .satisfies(
            s -> {
              assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(s.getDescription()).isEqualTo("name: must not be empty");
            });
    assertThat(defaults.toStatus(new IllegalStateException("closed")).getCode())
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(defaults.toStatus(new UnsupportedOperationException()).getCode())
        .isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(defaults.toStatus(new TimeoutException("slow")).getCode())
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    // A subclass without a mapping of its own takes its superclass's.
    assertThat(defaults.toStatus(new NumberFormatException("x")).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void statusExceptionsKeepTheirStatusAndTrailers() {
    Metadata trailers = new Metadata();
    Metadata.Key<String> key = Metadata.Key.of("x-why", Metadata.ASCII_STRING_MARSHALLER);
    trailers.put(key, "because");
    StatusRuntimeException e =
        Status.NOT_FOUND.withDescription("no order o-1").asRuntimeException(trailers);

    assertThat(defaults.toStatus(e).getDescription()).isEqualTo("no order o-1");
    assertThat(defaults.toStatus(new CompletionException(e)).getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ExceptionMapper.trailersOf(e).get(key)).isEqualTo("because");
    // Deeper in the cause chain, as grpc-java's Status.fromThrowable finds it.
    assertThat(defaults.toStatus(new RuntimeException("lookup failed", e)).getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void wrappersAreLookedThrough() {
    assertThat(
            defaults
                .toStatus(
                    new ExecutionException(
                        new CompletionException(new IllegalArgumentException("bad"))))
                .getDescription())
        .isEqualTo("bad");
  }

  @Test
  void theUnexpectedIsUnknownWithoutItsMessageAndLoggedOnce() {
    Status status;
    try (LogCapture log = new LogCapture(ExceptionMapper.class)) {
      status = defaults.toStatus(new NullPointerException("secret internals"));

      assertThat(log.events()).hasSize(1);
      String id = status.getDescription().substring("unexpected server error ".length(), 32);
      assertThat(log.events().get(0).getFormattedMessage())
          .isEqualTo("a call failed with an unexpected exception (error " + id + ")");
      assertThat(log.events().get(0).getThrowableProxy().getMessage())
          .isEqualTo("secret internals");
    }
    assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(status.getDescription())
        .matches("unexpected server error [0-9a-f]{8}; the server logged the details")
        .doesNotContain("secret");
  }

  @Test
  void registeredMappingsWinAndTheMostSpecificTypeDecides() {
    ExceptionMapper mapper =
        ExceptionMapper.builder()
            .map(NoSuchElementException.class, Status.Code.NOT_FOUND)
            .map(
                IOException.class, e -> Status.UNAVAILABLE.withDescription("io: " + e.getMessage()))
            .map(FileNotFoundException.class, Status.Code.NOT_FOUND)
            .map(IllegalArgumentException.class, Status.Code.OUT_OF_RANGE)
            .build();

    assertThat(mapper.toStatus(new NoSuchElementException("o-1")).getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(mapper.toStatus(new IOException("reset")).getDescription()).isEqualTo("io: reset");
    assertThat(mapper.toStatus(new FileNotFoundException("a.txt")).getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(mapper.toStatus(new IllegalArgumentException("x")).getCode())
        .isEqualTo(Status.Code.OUT_OF_RANGE);
    // The defaults it did not replace still hold, and the mapped status keeps the exception.
    assertThat(mapper.toStatus(new IllegalStateException("x")).getCode())
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(mapper.toStatus(new IOException("x")).getCause()).isInstanceOf(IOException.class);
    try (LogCapture log = new LogCapture(ExceptionMapper.class)) {
      assertThat(ExceptionMapper.defaults().toStatus(new IOException("x")).getCode())
          .isEqualTo(Status.Code.UNKNOWN);
      assertThat(log.events()).hasSize(1);
    }
  }

  @Test
  void aBrokenMappingFallsBackToUnknown() {
    try (LogCapture log = new LogCapture(ExceptionMapper.class)) {
      brokenMappings();
      assertThat(log.events())
          .extracting(e -> e.getFormattedMessage())
          .anyMatch(m -> m.contains("returned OK, not an error status"))
          .anyMatch(m -> m.contains("the mapping for java.util.NoSuchElementException failed"));
    }
  }

  private static void brokenMappings() {
    ExceptionMapper mapper =
        ExceptionMapper.builder()
            .map(IOException.class, e -> Status.OK)
            .map(
                NoSuchElementException.class,
                e -> {
                  throw new IllegalStateException("mapping bug");
                })
            .build();

    assertThat(mapper.toStatus(new IOException()).getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(mapper.toStatus(new NoSuchElementException()).getCode())
        .isEqualTo(Status.Code.UNKNOWN);
  }

  @Test
  void statusExceptionsAndOkCannotBeMapped() {
    assertThatThrownBy(
            () -> ExceptionMapper.builder().map(StatusRuntimeException.class, Status.Code.INTERNAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carries its own status");
    assertThatThrownBy(() -> ExceptionMapper.builder().map(IOException.class, Status.Code.OK))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
