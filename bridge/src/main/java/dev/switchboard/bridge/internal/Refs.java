package dev.switchboard.bridge.internal;

import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;

/** The non-null parts of Binding elements where the element's kind guarantees them. */
final class Refs {
  private Refs() {}

  /** The type of a record field or parameter (only enum cases and flags have none). */
  static WitTypeRef typeOf(WitField f) {
    WitTypeRef t = f.type();
    if (t == null) {
      throw new IllegalStateException(f.name() + " has no type");
    }
    return t;
  }

  /** The aliased type of an alias. */
  static WitTypeRef targetOf(WitType alias) {
    WitTypeRef t = alias.target();
    if (t == null) {
      throw new IllegalStateException("alias " + alias.name() + " has no target");
    }
    return t;
  }
}
