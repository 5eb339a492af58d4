package dev.switchboard.messaging;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a subscription receives: alone or as one member of a queue group, and what happens when it
 * falls behind. Immutable.
 *
 * <p>A subscriber that does not keep up never slows the publisher or other subscribers: its
 * messages wait in a buffer of {@link #bufferSize()} messages, and when that is full the {@link
 * Overflow} policy applies.
 */
public final class SubscribeOptions {
  /** The default buffer: 8192 messages. */
  public static final int DEFAULT_BUFFER_SIZE = 8192;

  private static final SubscribeOptions DEFAULTS = builder().build();

  /** What to do with a subscriber whose buffer is full. */
  public enum Overflow {
    /**
     * Drop the oldest buffered message; the next message delivered says how many were dropped
     * ({@link Message#missedBefore()}).
     */
    DROP_OLDEST,
    /** End the subscription with {@code RESOURCE_EXHAUSTED}; the application decides what next. */
    DISCONNECT
  }

  private final @Nullable String queueGroup;
  private final int bufferSize;
  private final Overflow overflow;

  private SubscribeOptions(Builder builder) {
    this.queueGroup = builder.queueGroup;
    this.bufferSize = builder.bufferSize;
    this.overflow = builder.overflow;
  }

  /** Each message to this subscriber, a buffer of 8192, drop oldest. */
  public static SubscribeOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().queueGroup(queueGroup).bufferSize(bufferSize).overflow(overflow);
  }

  /**
   * The queue group: each message goes to one member of the group instead of to each subscriber.
   */
  public Optional<String> queueGroup() {
    return Optional.ofNullable(queueGroup);
  }

  /** How many messages may wait for this subscriber before the overflow policy applies. */
  public int bufferSize() {
    return bufferSize;
  }

  /** The policy for a full buffer. */
  public Overflow overflow() {
    return overflow;
  }

  @Override
  public String toString() {
    return "SubscribeOptions{"
        + (queueGroup == null ? "" : "queueGroup=" + queueGroup + ", ")
        + "bufferSize="
        + bufferSize
        + ", overflow="
        + overflow
        + "}";
  }

  /** Builds {@link SubscribeOptions}. */
  public static final class Builder {
    private @Nullable String queueGroup;
    private int bufferSize = DEFAULT_BUFFER_SIZE;
    private Overflow overflow = Overflow.DROP_OLDEST;

    private Builder() {}

    /** Joins a queue group ({@code null}: none). */
    public Builder queueGroup(@Nullable String queueGroup) {
      if (queueGroup != null && queueGroup.isBlank()) {
        throw new IllegalArgumentException("queue group name is blank");
      }
      this.queueGroup = queueGroup;
      return this;
    }

    /** Messages that may wait for this subscriber; at least 1. */
    public Builder bufferSize(int messages) {
      if (messages < 1) {
        throw new IllegalArgumentException("bufferSize must be at least 1, was " + messages);
      }
      this.bufferSize = messages;
      return this;
    }

    /** The policy for a full buffer. */
    public Builder overflow(Overflow overflow) {
      this.overflow = Objects.requireNonNull(overflow, "overflow");
      return this;
    }

    public SubscribeOptions build() {
      return new SubscribeOptions(this);
    }
  }
}
