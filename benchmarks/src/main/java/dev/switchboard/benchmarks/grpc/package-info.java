/**
 * The gRPC side-by-side harness: our runtime against grpc-java's own benchmark server.
 *
 * <p>{@link dev.switchboard.benchmarks.grpc.SideBySide} starts, one after the other and each in its
 * own JVM, grpc-java's {@code AsyncServer} (the anchor) and {@link
 * dev.switchboard.benchmarks.grpc.BenchmarkServerMain} in its two modes: our runtime serving {@code
 * grpc.testing.BenchmarkService} from generated stubs ({@code BenchmarkServiceOnStubs}) and as a
 * dynamic service over the proto loaded at run time ({@code BenchmarkServiceOnDescriptors}). Every
 * server is driven by grpc-java's {@code AsyncClient} with the same flags, and the client's summary
 * is parsed by {@code AsyncClientReport}. The anchor's classes never share a JVM with ours.
 */
@NullMarked
package dev.switchboard.benchmarks.grpc;

import org.jspecify.annotations.NullMarked;
