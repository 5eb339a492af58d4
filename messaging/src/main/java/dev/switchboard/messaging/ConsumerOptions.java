package dev.switchboard.messaging;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a work-queue consumer receives: how many unacknowledged messages it may hold, how long it has
 * to acknowledge each one, and after how many deliveries a message moves to the dead-letter queue.
 * Immutable.
 */
public final class ConsumerOptions {
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_DELIVERIES = 5;

  private static final ConsumerOptions DEFAULTS = builder().build();

  private final int maxInFlight;
  private final Duration ackTimeout;
  private final int maxDeliveries;
  private final @Nullable String deadLetterQueue;

  private ConsumerOptions(Builder builder) {
    this.maxInFlight = builder.maxInFlight;
    this.ackTimeout = builder.ackTimeout;
    this.maxDeliveries = builder.maxDeliveries;
    this.deadLetterQueue = builder.deadLetterQueue;
  }

  /** 64 in flight, 30 s to acknowledge, 5 deliveries, dead letters to {@code QUEUE.dlq}. */
  public static ConsumerOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .maxInFlight(maxInFlight)
        .ackTimeout(ackTimeout)
        .maxDeliveries(maxDeliveries)
        .deadLetterQueue(deadLetterQueue);
  }

  /** Unacknowledged messages this consumer may hold at once. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** How long after a delivery the message goes to another consumer unless acknowledged. */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /** Deliveries of one message before it moves to the dead-letter queue. */
  public int maxDeliveries() {
    return maxDeliveries;
  }

  /** The dead-letter queue; empty means {@code QUEUE.dlq}. */
  public Optional<String> deadLetterQueue() {
    return Optional.ofNullable(deadLetterQueue);
  }

  /** The dead-letter queue for {@code queue}: the configured one or {@code queue + ".dlq"}. */
  public String deadLetterQueueFor(String queue) {
    return deadLetterQueue == null ? queue + ".dlq" : deadLetterQueue;
  }

  @Override
  public String toString() {
    return "ConsumerOptions{maxInFlight="
        + maxInFlight
        + ", ackTimeout="
        + ackTimeout
        + ", maxDeliveries="
        + maxDeliveries
        + (deadLetterQueue == null ? "" : ", deadLetterQueue=" + deadLetterQueue)
        + "}";
  }

  /** Builds {@link ConsumerOptions}. */
  public static final class Builder {
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
    private int maxDeliveries = DEFAULT_MAX_DELIVERIES;
    private @Nullable String deadLetterQueue;

    private Builder() {}

    /** Unacknowledged messages this consumer may hold at once; at least 1. */
    public Builder maxInFlight(int messages) {
      if (messages < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1, was " + messages);
      }
      this.maxInFlight = messages;
      return this;
    }

    /** Time to acknowledge each delivery; at least 1 ms. */
    public Builder ackTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.toMillis() < 1) {
        throw new IllegalArgumentException("ackTimeout must be at least 1 ms, was " + timeout);
      }
      this.ackTimeout = timeout;
      return this;
    }

    /** Deliveries of one message before it is dead-lettered; at least 1. */
    public Builder maxDeliveries(int deliveries) {
      if (deliveries < 1) {
        throw new IllegalArgumentException("maxDeliveries must be at least 1, was " + deliveries);
      }
      this.maxDeliveries = deliveries;
      return this;
    }

    /** Where dead letters go ({@code null}: {@code QUEUE.dlq}). */
    public Builder deadLetterQueue(@Nullable String queue) {
      if (queue != null && queue.isBlank()) {
        throw new IllegalArgumentException("dead-letter queue name is blank");
      }
      this.deadLetterQueue = queue;
      return this;
    }

    public ConsumerOptions build() {
      return new ConsumerOptions(this);
    }
  }
}
