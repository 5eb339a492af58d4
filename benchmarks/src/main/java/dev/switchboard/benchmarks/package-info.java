/**
 * Switchboard's benchmarks: JMH microbenchmarks and side-by-side harnesses against the anchors.
 *
 * <p>Each area keeps its benchmarks in its own sub-package: {@code grpc} (our runtime against
 * grpc-java's own AsyncServer, driven by grpc-java's AsyncClient), {@code marshal} (dynamic against
 * generated message code), and the packages other areas add ({@code wit}, {@code titan}, {@code
 * plugin}, {@code startup}). Nothing here is a test: figures come only from these programs, run by
 * hand as docs/benchmarks.md describes.
 */
@NullMarked
package dev.switchboard.benchmarks;

import org.jspecify.annotations.NullMarked;
