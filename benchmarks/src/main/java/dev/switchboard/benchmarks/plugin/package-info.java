/**
 * Plugin benchmarks: launch to first completed call and per-call latency over unix sockets with
 * AutoMTLS, our Java host and plugin side by side with go-plugin's Go host and plugin.
 */
@NullMarked
package dev.switchboard.benchmarks.plugin;

import org.jspecify.annotations.NullMarked;
