package dev.switchboard.messaging.internal.hub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The hub's meters, all under {@code switchboard.hub.*}. */
final class HubMetrics {
  final MeterRegistry registry;
  final Counter published;
  final Counter delivered;
  final Counter dropped;
  final Counter slowDisconnected;
  final Counter refused;
  final Counter requests;
  final Counter requestsRetried;
  final Counter requestsFailed;
  final Counter pushed;
  final Counter deduplicated;
  final Counter acked;
  final Counter redeliveredTimeout;
  final Counter redeliveredDead;
  final Counter redeliveredNack;
  final Counter deadLettered;
  final Counter broadcasts;
  final Counter notifications;
  final Counter deadPeers;
  final Timer commits;
  final DistributionSummary commitRecords;

  HubMetrics(MeterRegistry registry) {
    this.registry = registry;
    published = counter("switchboard.hub.published", "pub/sub messages received from publishers");
    delivered = counter("switchboard.hub.delivered", "pub/sub messages queued for subscribers");
    dropped =
        counter(
            "switchboard.hub.dropped", "pub/sub messages dropped for slow subscribers (oldest)");
    slowDisconnected =
        counter(
            "switchboard.hub.slow.disconnected",
            "subscriptions ended because their buffer was full");
    refused =
        counter("switchboard.hub.refused", "operations refused (permission, size, bad subject)");
    requests = counter("switchboard.hub.requests", "requests routed to a responder");
    requestsRetried =
        counter(
            "switchboard.hub.requests.retried", "idempotent requests sent to another responder");
    requestsFailed =
        counter("switchboard.hub.requests.failed", "requests answered by the hub with an error");
    pushed = counter("switchboard.hub.queue.pushed", "work-queue messages made durable");
    deduplicated =
        counter("switchboard.hub.queue.deduplicated", "work-queue pushes dropped as duplicates");
    acked = counter("switchboard.hub.queue.acked", "work-queue messages acknowledged");
    redeliveredTimeout = redelivered("ack_timeout");
    redeliveredDead = redelivered("consumer_dead");
    redeliveredNack = redelivered("nack");
    deadLettered =
        counter("switchboard.hub.queue.dead.lettered", "messages moved to a dead-letter queue");
    broadcasts = counter("switchboard.hub.broadcasts", "broadcasts sent");
    notifications = counter("switchboard.hub.notifications", "notifications sent or held");
    deadPeers =
        counter(
            "switchboard.hub.peers.dead",
            "sessions ended because the peer was silent for the heartbeat limit");
    commits =
        Timer.builder("switchboard.hub.log.commit")
            .description("queue log group commits: write and fsync")
            .register(registry);
    commitRecords =
        DistributionSummary.builder("switchboard.hub.log.commit.records")
            .description("records per queue log group commit")
            .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private Counter redelivered(String reason) {
    return Counter.builder("switchboard.hub.queue.redelivered")
        .description("work-queue messages delivered again")
        .tag("reason", reason)
        .register(registry);
  }

  void gauge(String name, String description, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder(name, value)
        .description(description)
        .register(registry);
  }

  void commit(SegmentLog.CommitStats stats) {
    commits.record(stats.nanos(), TimeUnit.NANOSECONDS);
    commitRecords.record(stats.records());
  }
}
