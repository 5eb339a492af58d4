/**
 * Servers, channels and dynamic calls on grpc-java.
 *
 * <p>A tour: {@link dev.switchboard.runtime.Target} names where to listen or connect ({@code
 * host:port}, {@code unix:/path}, {@code inproc:name}); {@link
 * dev.switchboard.runtime.SwitchboardServer} and {@link dev.switchboard.runtime.SwitchboardChannel}
 * build servers and channels for a target, with TLS ({@link dev.switchboard.runtime.TlsConfig},
 * {@link dev.switchboard.runtime.DevCertificates}), health, reflection, limits and graceful
 * shutdown; {@link dev.switchboard.runtime.DynamicService} serves the methods of a contract loaded
 * at run time and {@link dev.switchboard.runtime.DynamicClient} calls them, both with {@link
 * com.google.protobuf.DynamicMessage}s; {@link dev.switchboard.runtime.ExceptionMapper} decides
 * which status a client sees when a handler fails.
 */
@NullMarked
package dev.switchboard.runtime;

import org.jspecify.annotations.NullMarked;
