package dev.switchboard.messaging;

/**
 * Receives work-queue deliveries. It must {@link Delivery#ack()} each one, now or later from any
 * thread; throwing {@link Delivery#nack()}s it.
 */
@FunctionalInterface
public interface DeliveryHandler {
  void onDelivery(Delivery delivery) throws Exception;
}
