package dev.switchboard.messaging;

import java.util.Set;
import java.util.TreeSet;

/**
 * The outcome of a broadcast: which members of the group acknowledged the message within the
 * deadline and which did not (they were slow, failed in their handler, or died meanwhile). Both
 * sets hold peer names; a member that joined after the broadcast was sent is in neither.
 *
 * @param group the group the message went to
 * @param acknowledged members whose handler completed within the deadline
 * @param notAcknowledged members that were sent the message but did not acknowledge in time
 */
public record BroadcastReport(String group, Set<String> acknowledged, Set<String> notAcknowledged) {

  public BroadcastReport {
    acknowledged = Set.copyOf(acknowledged);
    notAcknowledged = Set.copyOf(notAcknowledged);
  }

  /** Whether every member that was sent the message acknowledged it. */
  public boolean complete() {
    return notAcknowledged.isEmpty();
  }

  @Override
  public String toString() {
    return "BroadcastReport{"
        + group
        + ", acknowledged="
        + new TreeSet<>(acknowledged)
        + ", notAcknowledged="
        + new TreeSet<>(notAcknowledged)
        + "}";
  }
}
