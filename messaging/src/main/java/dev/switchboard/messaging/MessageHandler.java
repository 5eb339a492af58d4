package dev.switchboard.messaging;

/**
 * Receives messages of a subscription, a broadcast group or notifications, one at a time and in
 * order. For broadcasts and acknowledged notifications, returning normally acknowledges the
 * message; throwing reports a failure to the sender.
 */
@FunctionalInterface
public interface MessageHandler {
  void onMessage(Message message) throws Exception;
}
