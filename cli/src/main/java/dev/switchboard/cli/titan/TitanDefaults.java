package dev.switchboard.cli.titan;

import dev.switchboard.runtime.Target;

/** Defaults the titan commands share, so that they find each other on one machine. */
final class TitanDefaults {
  /** Where {@code titan coordinator} listens by default, and where the others look for it. */
  static final Target COORDINATOR = Target.tcp("127.0.0.1", 50051);

  private TitanDefaults() {}
}
