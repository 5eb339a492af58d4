package dev.switchboard.bridge.internal;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC status as the {@code switchboard:rpc} error the WIT documents, reading the rich error
 * model ({@code google.rpc.Status} in the {@code grpc-status-details-bin} trailer) where the server
 * sent it: {@code BadRequest} field violations become {@code validation-error.fields}, {@code
 * RetryInfo} becomes {@code rate-limited.retry-after}, {@code ResourceInfo} fills {@code
 * not-found}. The whole status, details included, is kept as JSON in {@code failure.details}.
 *
 * <p>The google.rpc types are compiled at first use from the {@code .proto} files that ship in
 * proto-google-common-protos: its generated classes need a newer protobuf runtime than ours.
 */
public final class GrpcErrors {
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);
  private static final Metadata.Key<byte[]> DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final String TYPE_PREFIX = "type.googleapis.com/";

  private final @Nullable ContractSet rpcTypes;
  private final JsonFormat.Printer printer;

  public GrpcErrors() {
    this.rpcTypes = loadRpcTypes();
    JsonFormat.TypeRegistry.Builder registry = JsonFormat.TypeRegistry.newBuilder();
    if (rpcTypes != null) {
      rpcTypes.files().forEach(f -> registry.add(f.getMessageTypes()));
    }
    this.printer =
        JsonFormat.printer().usingTypeRegistry(registry.build()).omittingInsignificantWhitespace();
  }

  /**
   * The error for a failed call.
   *
   * @param resource the method's path, named by {@code not-found} when the server does not say
   */
  public WitValue.ResultValue toError(Status status, @Nullable Metadata trailers, String resource) {
    String message =
        status.getDescription() != null
            ? status.getDescription()
            : status.getCause() != null ? String.valueOf(status.getCause().getMessage()) : "";
    String code = status.getCode().name();
    DynamicMessage rich = richStatus(trailers);
    String details = rich == null ? null : json(rich);
    List<ErrorValues.Violation> violations = new ArrayList<>();
    Long retryAfter = null;
    String resourceType = null;
    String resourceName = null;
    if (rich != null) {
      for (Message any : anys(rich)) {
        DynamicMessage d = unpack(any);
        if (d == null) {
          continue;
        }
        switch (d.getDescriptorForType().getFullName()) {
          case "google.rpc.BadRequest" -> {
            FieldDescriptor list = field(d, "field_violations");
            for (int i = 0; i < d.getRepeatedFieldCount(list); i++) {
              Message v = (Message) d.getRepeatedField(list, i);
              violations.add(
                  new ErrorValues.Violation(
                      (String) v.getField(field(v, "field")),
                      (String) v.getField(field(v, "description"))));
            }
          }
          case "google.rpc.RetryInfo" -> {
            Message delay = (Message) d.getField(field(d, "retry_delay"));
            long seconds = (Long) delay.getField(field(delay, "seconds"));
            int nanos = (Integer) delay.getField(field(delay, "nanos"));
            retryAfter = seconds + (nanos > 0 ? 1 : 0);
          }
          case "google.rpc.ResourceInfo" -> {
            resourceType = emptyToNull((String) d.getField(field(d, "resource_type")));
            resourceName = emptyToNull((String) d.getField(field(d, "resource_name")));
          }
          default -> {}
        }
      }
    }
    return switch (status.getCode()) {
      case UNAUTHENTICATED -> ErrorValues.failure("unauthorized", message, code, details);
      case PERMISSION_DENIED -> ErrorValues.failure("forbidden", message, code, details);
      case NOT_FOUND ->
          ErrorValues.notFound(
              resourceType == null ? resource : resourceType,
              resourceName == null ? "" : resourceName,
              message);
      case INVALID_ARGUMENT -> ErrorValues.validation(message, violations);
      case ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION ->
          ErrorValues.failure("conflict", message, code, details);
      case RESOURCE_EXHAUSTED -> ErrorValues.rateLimited(retryAfter, message);
      case DEADLINE_EXCEEDED -> ErrorValues.failure("timeout", message, code, details);
      case UNAVAILABLE -> ErrorValues.failure("unavailable", message, code, details);
      case INTERNAL, UNKNOWN, DATA_LOSS, UNIMPLEMENTED ->
          ErrorValues.failure("server-error", message, code, details);
      default -> ErrorValues.failure("other", message, code, details);
    };
  }

  private @Nullable DynamicMessage richStatus(@Nullable Metadata trailers) {
    if (trailers == null || rpcTypes == null) {
      return null;
    }
    byte[] bytes = trailers.get(DETAILS);
    if (bytes == null) {
      return null;
    }
    Descriptor status = rpcTypes.message("google.rpc.Status").orElse(null);
    if (status == null) {
      return null;
    }
    try {
      return DynamicMessage.parseFrom(status, bytes);
    } catch (InvalidProtocolBufferException e) {
      log.debug("grpc-status-details-bin is not a google.rpc.Status: {}", e.getMessage());
      return null;
    }
  }

  private static List<Message> anys(DynamicMessage status) {
    FieldDescriptor details = field(status, "details");
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < status.getRepeatedFieldCount(details); i++) {
      out.add((Message) status.getRepeatedField(details, i));
    }
    return out;
  }

  private @Nullable DynamicMessage unpack(Message any) {
    String url = (String) any.getField(field(any, "type_url"));
    String name = url.startsWith(TYPE_PREFIX) ? url.substring(TYPE_PREFIX.length()) : url;
    if (rpcTypes == null) {
      return null;
    }
    Descriptor d = rpcTypes.message(name).orElse(null);
    if (d == null) {
      return null;
    }
    try {
      return DynamicMessage.parseFrom(
          d, ((com.google.protobuf.ByteString) any.getField(field(any, "value"))));
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  private String json(DynamicMessage m) {
    try {
      return printer.print(m);
    } catch (InvalidProtocolBufferException e) {
      // an Any of a type we do not know: keep what we can say
      return "{\"code\":" + m.getField(field(m, "code")) + "}";
    }
  }

  private static FieldDescriptor field(Message m, String name) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    if (f == null) {
      throw new IllegalStateException(m.getDescriptorForType().getFullName() + " has no " + name);
    }
    return f;
  }

  private static @Nullable String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private static @Nullable ContractSet loadRpcTypes() {
    List<String> files = List.of("google/rpc/status.proto", "google/rpc/error_details.proto");
    Path dir = null;
    try {
      dir = Files.createTempDirectory("switchboard-rpc-protos");
      for (String f : files) {
        try (InputStream in = GrpcErrors.class.getClassLoader().getResourceAsStream(f)) {
          if (in == null) {
            log.warn("{} is not on the class path; gRPC error details will not be read", f);
            return null;
          }
          Path target = dir.resolve(f);
          Files.createDirectories(target.getParent());
          Files.copy(in, target);
        }
      }
      return ContractLoader.builder().importPath(dir).build().protos(files);
    } catch (IOException | ContractException e) {
      log.warn(
          "cannot compile the google.rpc types; gRPC error details will not be read: {}",
          e.toString());
      return null;
    } finally {
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      log.debug("could not delete {}: {}", dir, e.toString());
    }
  }
}
