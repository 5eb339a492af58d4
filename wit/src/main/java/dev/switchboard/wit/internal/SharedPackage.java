package dev.switchboard.wit.internal;

import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.List;

/**
 * {@code switchboard:rpc}: the types every translated package shares, printed under {@code deps/}.
 * The error variant and the auth records are a superset of seed 003's sketches; the value types
 * carry the protobuf well-known types and anything that must travel as JSON text.
 */
public final class SharedPackage {
  public static final String NAMESPACE = "switchboard";
  public static final String NAME = "rpc";
  public static final String QUALIFIED = NAMESPACE + ":" + NAME;
  public static final String VERSION = "0.1.0";

  public static final WitTypeRef ERROR = WitTypeRef.named(QUALIFIED, "errors", "error");
  public static final WitTypeRef JSON = WitTypeRef.named(QUALIFIED, "values", "json");
  public static final WitTypeRef TIMESTAMP = WitTypeRef.named(QUALIFIED, "values", "timestamp");
  public static final WitTypeRef DURATION = WitTypeRef.named(QUALIFIED, "values", "duration");
  public static final WitTypeRef ANY = WitTypeRef.named(QUALIFIED, "values", "any");
  public static final WitTypeRef BEARER = WitTypeRef.named(QUALIFIED, "auth", "bearer-auth");
  public static final WitTypeRef BASIC = WitTypeRef.named(QUALIFIED, "auth", "basic-auth");
  public static final WitTypeRef API_KEY = WitTypeRef.named(QUALIFIED, "auth", "api-key-auth");
  public static final WitTypeRef CREDENTIALS = WitTypeRef.named(QUALIFIED, "auth", "credentials");

  private static final WitTypeRef STRING = WitTypeRef.primitive("string");
  private static final Origin SHARED = Origin.of(Origin.Kind.SHARED, QUALIFIED);

  private SharedPackage() {}

  public static WitPackage build() {
    return new WitPackage(
        NAMESPACE,
        NAME,
        VERSION,
        "Types shared by every package Switchboard translates from a contract.",
        SHARED,
        List.of(errors(), auth(), values()),
        "");
  }

  private static WitInterface errors() {
    WitTypeRef failure = local("errors", "failure");
    WitType failureRecord =
        record(
            "failure",
            "What the service (or the transport) said about a failure.",
            field("message", STRING, "Human-readable explanation."),
            field(
                "code",
                STRING,
                "The gRPC status name (`NOT_FOUND`) or the HTTP status code (`404`)."),
            field(
                "details",
                WitTypeRef.option(STRING),
                "The raw error body or the status details, as JSON text, when there were any."));
    WitType notFound =
        record(
            "not-found-error",
            "The addressed resource does not exist.",
            field(
                "resource",
                STRING,
                "The kind of resource: the gRPC method or the HTTP path template."),
            field("id", STRING, "The identifier that was looked up, when the request had one."),
            field("message", STRING, "Human-readable explanation."));
    WitType violation =
        record(
            "field-violation",
            "One value that broke a rule.",
            field("field", STRING, "Path of the offending field, such as `items[2].title`."),
            field("message", STRING, "What is wrong with it."));
    WitType validation =
        record(
            "validation-failure",
            "The request was rejected as invalid.",
            field("message", STRING, "Human-readable summary."),
            field(
                "fields",
                WitTypeRef.list(local("errors", "field-violation")),
                "Every offending field; empty when the service did not say which."));
    WitType rateLimit =
        record(
            "rate-limit",
            "The caller sent too many requests.",
            field(
                "retry-after",
                WitTypeRef.option(WitTypeRef.primitive("u32")),
                "Seconds to wait before trying again, from `Retry-After` or the status details."),
            field("message", STRING, "Human-readable explanation."));
    WitType error =
        new WitType(
            "error",
            WitType.Kind.VARIANT,
            "Why a call failed. Stubs map gRPC status codes and HTTP statuses onto these cases.",
            SHARED,
            List.of(
                field(
                    "unauthorized",
                    failure,
                    "401, or gRPC `UNAUTHENTICATED`: credentials are missing or wrong."),
                field(
                    "forbidden",
                    failure,
                    "403, or gRPC `PERMISSION_DENIED`: the credentials do not allow this."),
                field("not-found", local("errors", "not-found-error"), "404, or gRPC `NOT_FOUND`."),
                field(
                    "validation-error",
                    local("errors", "validation-failure"),
                    "400 or 422, or gRPC `INVALID_ARGUMENT`; also raised before sending when a value breaks the contract's rules."),
                field(
                    "conflict",
                    failure,
                    "409 or 412, or gRPC `ALREADY_EXISTS`, `ABORTED`, `FAILED_PRECONDITION`."),
                field(
                    "rate-limited",
                    local("errors", "rate-limit"),
                    "429, or gRPC `RESOURCE_EXHAUSTED`."),
                field("timeout", failure, "408 or 504, or gRPC `DEADLINE_EXCEEDED`."),
                field("unavailable", failure, "503, or gRPC `UNAVAILABLE`: worth retrying later."),
                field(
                    "server-error",
                    failure,
                    "Any other 5xx, or gRPC `INTERNAL`, `UNKNOWN`, `DATA_LOSS`, `UNIMPLEMENTED`."),
                field(
                    "other",
                    failure,
                    "Any other status, or a failure before a response arrived (connection, TLS, decoding).")),
            null,
            List.of());
    return new WitInterface(
        "errors",
        "The error every translated function returns.",
        SHARED,
        List.of(error, failureRecord, notFound, validation, violation, rateLimit),
        List.of());
  }

  private static WitInterface auth() {
    WitType bearer =
        record(
            "bearer-auth",
            "`Authorization: <scheme> <token>`.",
            field("token", STRING, "The token, without the scheme."),
            field("scheme", STRING, "The scheme word, usually `Bearer`."));
    WitType basic =
        record(
            "basic-auth",
            "HTTP Basic: sent as `Authorization: Basic base64(user:password)`.",
            field("username", STRING, ""),
            field("password", STRING, ""));
    WitType apiKey =
        record(
            "api-key-auth",
            "An API key. Where it goes (header, query or cookie, and under which name) is recorded in the binding.",
            field("key", STRING, "The key itself."));
    WitType credentials =
        new WitType(
            "credentials",
            WitType.Kind.VARIANT,
            "Any one of the supported credentials, for operations that accept several schemes.",
            SHARED,
            List.of(
                field("bearer", local("auth", "bearer-auth"), ""),
                field("basic", local("auth", "basic-auth"), ""),
                field("api-key", local("auth", "api-key-auth"), "")),
            null,
            List.of());
    return new WitInterface(
        "auth",
        "Credentials, built from the contract's security schemes.",
        SHARED,
        List.of(bearer, basic, apiKey, credentials),
        List.of());
  }

  private static WitInterface values() {
    WitType json =
        WitType.alias(
            "json",
            "JSON text. Carries values WIT cannot type: free-form objects, `google.protobuf.Struct`/`Value`,\n"
                + "and the back-reference that breaks a recursive type (the binding records which type it encodes).",
            SHARED,
            STRING);
    WitType timestamp =
        record(
            "timestamp",
            "A point in time: `google.protobuf.Timestamp`.",
            field("seconds", WitTypeRef.primitive("s64"), "Seconds since 1970-01-01T00:00:00Z."),
            field(
                "nanos",
                WitTypeRef.primitive("u32"),
                "Nanoseconds within the second, 0 to 999,999,999."));
    WitType duration =
        record(
            "duration",
            "A signed span of time: `google.protobuf.Duration`.",
            field("seconds", WitTypeRef.primitive("s64"), "Whole seconds."),
            field(
                "nanos",
                WitTypeRef.primitive("s32"),
                "Nanoseconds, with the same sign as `seconds`."));
    WitType any =
        record(
            "any",
            "A message of any type: `google.protobuf.Any`.",
            field(
                "type-url", STRING, "Identifies the type, like `type.googleapis.com/pkg.Message`."),
            field(
                "value",
                WitTypeRef.list(WitTypeRef.primitive("u8")),
                "The message in protobuf binary form."));
    return new WitInterface(
        "values",
        "Values with a fixed meaning across contracts.",
        SHARED,
        List.of(json, timestamp, duration, any),
        List.of());
  }

  private static WitTypeRef local(String iface, String name) {
    return WitTypeRef.named(QUALIFIED, iface, name);
  }

  private static WitType record(String name, String docs, WitField... fields) {
    return new WitType(name, WitType.Kind.RECORD, docs, SHARED, List.of(fields), null, List.of());
  }

  private static WitField field(String name, WitTypeRef type, String docs) {
    return WitField.of(name, type, docs, SHARED);
  }
}
