package dev.switchboard.runtime;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Metadata;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where an exception thrown by a service handler becomes the {@link Status} its
 * client sees: one registry per server, set with {@link SwitchboardServer.Builder#exceptionMapper}.
 *
 * <p>It covers both ways a handler fails: throwing (from the handler method, or from a request
 * observer's {@code onNext}/{@code onCompleted}) and passing a plain exception to the response
 * observer's {@code onError}. Without it grpc-java turns both into {@code UNKNOWN} with no
 * description. The rules, first match wins:
 *
 * <ol>
 *   <li>Wrappers ({@link CompletionException}, {@link ExecutionException}, {@link
 *       UndeclaredThrowableException}, {@link InvocationTargetException}) are looked through.
 *   <li>A {@link StatusRuntimeException} or {@link StatusException} keeps its status and trailers.
 *   <li>The mapping registered for the exception's class or its nearest superclass, yours first
 *       (see {@link Builder#map(Class, Function)}), then the defaults:
 *       <table>
 *         <caption>Default mappings (the exception's message is the description)</caption>
 *         <tr><td>{@link IllegalArgumentException}, {@link InvalidProtocolBufferException}</td>
 *             <td>{@code INVALID_ARGUMENT}</td></tr>
 *         <tr><td>{@link IllegalStateException}</td><td>{@code FAILED_PRECONDITION}</td></tr>
 *         <tr><td>{@link UnsupportedOperationException}</td><td>{@code UNIMPLEMENTED}</td></tr>
 *         <tr><td>{@link TimeoutException}</td><td>{@code DEADLINE_EXCEEDED}</td></tr>
 *         <tr><td>{@link CancellationException}</td><td>{@code CANCELLED}</td></tr>
 *       </table>
 *   <li>A status exception further down the cause chain keeps its status, as grpc-java's {@link
 *       Status#fromThrowable} would.
 *   <li>Anything else is a bug the client cannot act on: it is logged once, at ERROR with its stack
 *       trace and a short error id, and the client gets {@code UNKNOWN} with only that id (never
 *       the message or the stack, which may hold internals).
 * </ol>
 *
 * <pre>{@code
 * ExceptionMapper errors = ExceptionMapper.builder()
 *     .map(NoSuchElementException.class, Status.Code.NOT_FOUND)
 *     .map(QuotaExceeded.class, e -> Status.RESOURCE_EXHAUSTED.withDescription(e.quotaName()))
 *     .build();
 * SwitchboardServer.builder("localhost:0").service(orders).exceptionMapper(errors).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ExceptionMapper {
  private static final Logger log = LoggerFactory.getLogger(ExceptionMapper.class);
  private static final ExceptionMapper DEFAULTS = new Builder().build();

  private final Map<Class<?>, Function<Throwable, Status>> mappings;

  private ExceptionMapper(Map<Class<?>, Function<Throwable, Status>> mappings) {
    this.mappings = Map.copyOf(mappings);
  }

  /** The default rules only; every {@link SwitchboardServer} uses them unless given another. */
  public static ExceptionMapper defaults() {
    return DEFAULTS;
  }

  /** A builder that starts from the default rules. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this mapper's rules. */
  public Builder toBuilder() {
    return new Builder(mappings);
  }

  /**
   * The status for {@code exception}; never {@code OK}. An unexpected exception is logged here (see
   * the class comment), so call this once per failure.
   */
  public Status toStatus(Throwable exception) {
    return toStatus(exception, "a call");
  }

  /**
   * Like {@link #toStatus(Throwable)}, naming what failed in the log.
   *
   * @param context what failed, for the log line, e.g. {@code "pkg.Service/Method"} or {@code
   *     "stream 42"}
   */
  public Status toStatus(Throwable exception, String context) {
    String method = Objects.requireNonNull(context, "context");
    Throwable e = unwrap(Objects.requireNonNull(exception, "exception"));
    if (e instanceof StatusRuntimeException || e instanceof StatusException) {
      return Status.fromThrowable(e);
    }
    for (Class<?> type = e.getClass(); type != null; type = type.getSuperclass()) {
      Function<Throwable, Status> mapping = mappings.get(type);
      if (mapping != null) {
        Status mapped = apply(mapping, e, method);
        if (mapped != null) {
          return mapped;
        }
        break;
      }
    }
    Status nested = Status.fromThrowable(e);
    if (nested.getCode() != Status.Code.UNKNOWN || nested.getCause() != e) {
      return nested;
    }
    return unexpected(e, method);
  }

  /** The trailers {@code exception} carries (a status exception's), or empty ones. */
  static Metadata trailersOf(Throwable exception) {
    Metadata trailers = Status.trailersFromThrowable(exception);
    return trailers == null ? new Metadata() : trailers;
  }

  private static @Nullable Status apply(
      Function<Throwable, Status> mapping, Throwable e, String method) {
    Status mapped;
    try {
      mapped = mapping.apply(e);
    } catch (RuntimeException broken) {
      log.error("{}: the mapping for {} failed", method, e.getClass().getName(), broken);
      return null;
    }
    if (mapped == null || mapped.isOk()) {
      log.error(
          "{}: the mapping for {} returned {}, not an error status",
          method,
          e.getClass().getName(),
          mapped == null ? "null" : "OK");
      return null;
    }
    return mapped.getCause() == null ? mapped.withCause(e) : mapped;
  }

  private static Status unexpected(Throwable e, String method) {
    String id = String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
    log.error("{} failed with an unexpected exception (error {})", method, id, e);
    return Status.UNKNOWN
        .withDescription("unexpected server error " + id + "; the server logged the details")
        .withCause(e);
  }

  private static Throwable unwrap(Throwable exception) {
    Throwable e = exception;
    while ((e instanceof CompletionException
            || e instanceof ExecutionException
            || e instanceof UndeclaredThrowableException
            || e instanceof InvocationTargetException)
        && e.getCause() != null
        && e.getCause() != e) {
      e = e.getCause();
    }
    return e;
  }

  /** A server interceptor that applies this mapper, for a grpc-java server built by hand. */
  public ServerInterceptor interceptor() {
    return new ExceptionMappingInterceptor(this);
  }

  @Override
  public String toString() {
    return "ExceptionMapper" + mappings.keySet().stream().map(Class::getSimpleName).toList();
  }

  /** Configures an {@link ExceptionMapper}, starting from the defaults. Not thread-safe. */
  public static final class Builder {
    private final Map<Class<?>, Function<Throwable, Status>> mappings;

    private Builder() {
      this.mappings = new LinkedHashMap<>();
      map(IllegalArgumentException.class, Status.Code.INVALID_ARGUMENT);
      map(InvalidProtocolBufferException.class, Status.Code.INVALID_ARGUMENT);
      map(IllegalStateException.class, Status.Code.FAILED_PRECONDITION);
      map(UnsupportedOperationException.class, Status.Code.UNIMPLEMENTED);
      map(TimeoutException.class, Status.Code.DEADLINE_EXCEEDED);
      map(CancellationException.class, Status.Code.CANCELLED);
    }

    private Builder(Map<Class<?>, Function<Throwable, Status>> mappings) {
      this.mappings = new LinkedHashMap<>(mappings);
    }

    /**
     * Maps exceptions of {@code type} (and its subclasses without a mapping of their own) to the
     * status {@code mapping} returns; replaces an earlier mapping of the same type. A mapping that
     * throws, or returns null or {@code OK}, is logged and the exception treated as unexpected.
     *
     * @throws IllegalArgumentException for a status exception type, which always keeps its status
     */
    public <T extends Throwable> Builder map(Class<T> type, Function<? super T, Status> mapping) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(mapping, "mapping");
      if (StatusRuntimeException.class.isAssignableFrom(type)
          || StatusException.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(
            type.getName() + " carries its own status and cannot be mapped");
      }
      mappings.put(type, e -> mapping.apply(type.cast(e)));
      return this;
    }

    /**
     * Maps exceptions of {@code type} to {@code code}, with the exception's message as the
     * description; see {@link #map(Class, Function)}.
     */
    public <T extends Throwable> Builder map(Class<T> type, Status.Code code) {
      Objects.requireNonNull(code, "code");
      if (code == Status.Code.OK) {
        throw new IllegalArgumentException("an exception cannot map to OK");
      }
      return map(type, e -> code.toStatus().withDescription(e.getMessage()));
    }

    public ExceptionMapper build() {
      return new ExceptionMapper(mappings);
    }
  }
}
