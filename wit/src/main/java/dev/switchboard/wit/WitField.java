package dev.switchboard.wit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A record field, a variant or enum case, a flag, or a function parameter.
 *
 * @param type the field's type; null for enum cases, flags and variant cases without payload
 * @param rules the contract's validation rules for the value
 * @param role a special meaning for stubs (auth, ETag, ...), or null for an ordinary value
 */
public record WitField(
    String name,
    @Nullable WitTypeRef type,
    String docs,
    Origin origin,
    Rules rules,
    @Nullable Role role) {
  /** Fields a stub treats specially instead of copying them to or from the wire as they are. */
  public enum Role {
    /** Credentials applied according to the operation's security schemes. */
    AUTH,
    /** Response {@code ETag}. */
    VERSION,
    /** Request {@code If-Match}. */
    EXPECTED_VERSION,
    /** Response {@code Last-Modified}. */
    LAST_UPDATED,
    /** Response {@code Retry-After}, in seconds. */
    RETRY_AFTER,
    /** The whole request or response body (not flattened). */
    BODY
  }

  public WitField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(docs, "docs");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(rules, "rules");
  }

  public static WitField of(String name, @Nullable WitTypeRef type, String docs, Origin origin) {
    return new WitField(name, type, docs, origin, Rules.NONE, null);
  }

  public WitField withType(WitTypeRef newType, Origin newOrigin) {
    return new WitField(name, newType, docs, newOrigin, rules, role);
  }
}
