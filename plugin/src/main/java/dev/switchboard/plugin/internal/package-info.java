/**
 * The machinery behind {@code dev.switchboard.plugin}: the handshake line, AutoMTLS certificates,
 * listeners and channels, the broker, controller and stdio services, the hclog log format, the
 * process lifecycle (stderr pump, host watch, process-tree kill) and the interceptors for rate
 * limits, retries and plugin exits. Other modules must not import this package.
 */
@NullMarked
package dev.switchboard.plugin.internal;

import org.jspecify.annotations.NullMarked;
