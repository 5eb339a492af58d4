package dev.switchboard.benchmarks.grpc;

/**
 * One run of AsyncClient against one server: the client's report, and the CPU time the server
 * process used per call while the client measured.
 *
 * <p>The CPU figure matters on a small shared machine: client and server compete for the same two
 * cores (and with whatever else runs), so QPS moves with the neighbours, while the server's CPU
 * time per call is a property of the server. It is approximate: it is sampled from the OS when the
 * client's warm-up should be over and when the client exits, and divided by QPS x duration.
 */
record RunFigures(AsyncClientReport client, double serverCpuMicrosPerCall) {}
