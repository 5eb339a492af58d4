/**
 * The machinery behind {@code bin/interop}: flag parsing in grpc-java's {@code --key=value} style
 * ({@link dev.switchboard.interop.internal.InteropFlags}), the TestService implementation and its
 * metadata-echo interceptor, the server launcher, and the client with one method per interop case.
 */
@NullMarked
package dev.switchboard.interop.internal;

import org.jspecify.annotations.NullMarked;
