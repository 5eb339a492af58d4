/**
 * The gRPC interop suite on Switchboard: {@link dev.switchboard.interop.InteropMain} starts either
 * {@code grpc.testing.TestService} on our runtime ({@code interop server}) or our client running
 * the standard interop cases against any server ({@code interop client}). Both take the flags of
 * grpc-java's {@code TestServiceServer} and {@code TestServiceClient}, so the two can be swapped
 * for grpc-java's own in any interop matrix.
 */
@NullMarked
package dev.switchboard.interop;

import org.jspecify.annotations.NullMarked;
