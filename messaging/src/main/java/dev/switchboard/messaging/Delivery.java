package dev.switchboard.messaging;

/**
 * A work-queue message handed to one consumer, which must {@link #ack()} it once done. Until then
 * it stays in flight with this consumer; it goes to another consumer when the consumer {@link
 * #nack()}s it, when its ack timeout passes, or as soon as the consumer is found dead. After the
 * queue's maximum number of deliveries it moves to the dead-letter queue instead.
 *
 * <p>Acknowledging after a reconnect does nothing: the hub redelivered the message when the old
 * session died, so the new delivery is the one to acknowledge. Thread-safe; ack and nack may be
 * called from any thread, and only the first call counts.
 */
public interface Delivery {

  /** The message. */
  Message message();

  /** Which delivery of the message this is: 1 the first time, 2 after one redelivery, ... */
  int deliveryCount();

  /** Done: the message leaves the queue. */
  void ack();

  /** Not done: the message goes back to the queue at once for another delivery. */
  void nack();
}
