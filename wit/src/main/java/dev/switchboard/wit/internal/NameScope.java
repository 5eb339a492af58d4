package dev.switchboard.wit.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The names taken in one WIT scope (a package's interfaces, an interface's types and functions, a
 * record's fields, ...). WIT compares names case-insensitively, so we do too.
 *
 * <p>A clash is resolved once, by adding the kind suffix ({@code -record}, {@code -params}, ...)
 * the caller names; if that is taken as well, {@link #claim} returns null and the caller reports an
 * error naming both sources.
 */
final class NameScope {
  private final String description;
  private final Map<String, String> owners = new HashMap<>();

  NameScope(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }

  /**
   * Takes {@code name}, or {@code name-suffix} if {@code name} is taken. Returns the name taken, or
   * null when both are taken (then {@link #ownerOf} tells who has them).
   */
  @Nullable String claim(String name, String suffix, String source) {
    if (take(name, source)) {
      return name;
    }
    if (!suffix.isEmpty()) {
      String second = WitNames.join(name, suffix);
      if (take(second, source)) {
        return second;
      }
    }
    return null;
  }

  /**
   * Takes {@code name} or, for names we synthesise ourselves (never contract names), the first free
   * {@code name-2}, {@code name-3}, ... Only used where the contract gives no better name.
   */
  String claimNumbered(String name, String source) {
    if (take(name, source)) {
      return name;
    }
    for (int i = 2; ; i++) {
      String candidate = WitNames.join(name, Integer.toString(i));
      if (take(candidate, source)) {
        return candidate;
      }
    }
  }

  boolean isTaken(String name) {
    return owners.containsKey(name.toLowerCase(Locale.ROOT));
  }

  /** Who took {@code name}; only asked after {@link #claim} found it taken. */
  String ownerOf(String name) {
    String owner = owners.get(name.toLowerCase(Locale.ROOT));
    if (owner == null) {
      throw new IllegalArgumentException(name + " is not taken in " + description);
    }
    return owner;
  }

  private boolean take(String name, String source) {
    return owners.putIfAbsent(name.toLowerCase(Locale.ROOT), source) == null;
  }
}
