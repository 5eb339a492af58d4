package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.WitValue;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Values of {@code switchboard:rpc/errors.error}, the error every translated function returns,
 * built field for field as the shared package declares them.
 */
public final class ErrorValues {
  /** One offending field: its path and what is wrong with it. */
  public record Violation(String field, String message) {}

  private ErrorValues() {}

  /** A case carrying a {@code failure {message, code, details}}. */
  public static WitValue.ResultValue failure(
      String caseName, String message, String code, @Nullable String details) {
    return WitValue.err(WitValue.variant(caseName, failureRecord(message, code, details)));
  }

  static WitValue.RecordValue failureRecord(String message, String code, @Nullable String details) {
    return WitValue.record()
        .field("message", WitValue.string(message))
        .field("code", WitValue.string(code))
        .field(
            "details", details == null ? WitValue.none() : WitValue.some(WitValue.string(details)))
        .build();
  }

  public static WitValue.ResultValue notFound(String resource, String id, String message) {
    return WitValue.err(
        WitValue.variant(
            "not-found",
            WitValue.record()
                .field("resource", WitValue.string(resource))
                .field("id", WitValue.string(id))
                .field("message", WitValue.string(message))
                .build()));
  }

  public static WitValue.ResultValue validation(String message, List<Violation> fields) {
    List<WitValue> list = new ArrayList<>();
    for (Violation v : fields) {
      list.add(
          WitValue.record()
              .field("field", WitValue.string(v.field()))
              .field("message", WitValue.string(v.message()))
              .build());
    }
    return WitValue.err(
        WitValue.variant(
            "validation-error",
            WitValue.record()
                .field("message", WitValue.string(message))
                .field("fields", new WitValue.ListValue(list))
                .build()));
  }

  public static WitValue.ResultValue rateLimited(@Nullable Long retryAfterSeconds, String message) {
    WitValue retry =
        retryAfterSeconds == null
            ? WitValue.none()
            : WitValue.some(WitValue.u32(Math.max(0, Math.min(retryAfterSeconds, 0xFFFF_FFFFL))));
    return WitValue.err(
        WitValue.variant(
            "rate-limited",
            WitValue.record()
                .field("retry-after", retry)
                .field("message", WitValue.string(message))
                .build()));
  }
}
