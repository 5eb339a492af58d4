package dev.switchboard.messaging.internal.hub;

import dev.switchboard.messaging.HubPermissions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * How a hub behaves; built by {@code MessagingHub.Builder}.
 *
 * @param heartbeat the interval both sides send heartbeats at
 * @param misses silent intervals after which a peer is dead
 * @param maxMessageBytes the largest payload accepted
 * @param dedupWindow how long work-queue message ids are remembered
 * @param dataDirectory where durable queues live; {@code null} keeps them in memory
 * @param segmentBytes queue log segment size
 * @param permissions who may publish and subscribe where
 * @param clock wall-clock time (message timestamps, dedup window)
 * @param scheduler timers: heartbeats, deadlines, ack timeouts
 */
public record HubConfig(
    Duration heartbeat,
    int misses,
    int maxMessageBytes,
    Duration dedupWindow,
    @Nullable Path dataDirectory,
    long segmentBytes,
    HubPermissions permissions,
    Clock clock,
    ScheduledExecutorService scheduler) {}
