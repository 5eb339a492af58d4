/**
 * The embedded hub's engine. {@link dev.switchboard.messaging.internal.hub.Hub} holds the routing
 * state and applies the five patterns; each client's stream is a {@link
 * dev.switchboard.messaging.internal.hub.Session} with its {@link
 * dev.switchboard.messaging.internal.hub.Outbox}; subscriptions and responders are found through a
 * {@link dev.switchboard.messaging.internal.hub.SubjectIndex}; work queues are {@link
 * dev.switchboard.messaging.internal.hub.WorkQueue}s persisted in a {@link
 * dev.switchboard.messaging.internal.hub.SegmentLog} with group commit.
 *
 * <p>Locks, always taken in this order: the hub's lock (sessions, queues, requests, groups,
 * notifications), then one outbox's lock. The subject index has its own lock and calls nothing
 * while holding it.
 */
@NullMarked
package dev.switchboard.messaging.internal.hub;

import org.jspecify.annotations.NullMarked;
