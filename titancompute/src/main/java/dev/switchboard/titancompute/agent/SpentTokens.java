package dev.switchboard.titancompute.agent;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Token ids (jti) this agent has already admitted a stream for, so that a token is good for one
 * stream only: a captured or logged token cannot be replayed. An id is remembered until its token
 * could no longer pass the expiry check anyway (exp plus the skew allowance), so memory is bounded
 * by the tokens that are still valid, and only tokens with a verified signature are ever stored.
 * Expired ids are purged at most once a second, by whichever request comes along. Thread-safe.
 */
final class SpentTokens {
  private static final long PURGE_EVERY_MILLIS = 1_000;

  private final Clock clock;
  private final ConcurrentMap<String, Long> forgetAtMillis = new ConcurrentHashMap<>();
  private volatile long nextPurgeMillis;

  SpentTokens(Clock clock) {
    this.clock = clock;
  }

  /** Records {@code jti}; false when it was already spent (a replay). */
  boolean spend(String jti, long forgetAtMillis) {
    long now = clock.millis();
    if (now >= nextPurgeMillis) {
      purge(now);
    }
    return this.forgetAtMillis.putIfAbsent(jti, forgetAtMillis) == null;
  }

  int size() {
    return forgetAtMillis.size();
  }

  private synchronized void purge(long now) {
    if (now < nextPurgeMillis) {
      return;
    }
    nextPurgeMillis = now + PURGE_EVERY_MILLIS;
    forgetAtMillis.values().removeIf(at -> at < now);
  }
}
