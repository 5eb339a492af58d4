/**
 * The harness every module's tests share, so that no module keeps its own copy. Modules depend on
 * it with test scope.
 *
 * <ul>
 *   <li>{@link dev.switchboard.testing.TestProcess}: a real process (builder: command, environment,
 *       directory); output kept whole and logged at DEBUG; {@code awaitLine}, {@code
 *       awaitListening}, {@code awaitExit}; {@code kill()} and {@code close()} end the whole tree.
 *       {@code run(timeout)} runs a command to its end and returns a {@code Result}.
 *   <li>{@link dev.switchboard.testing.PeerPrograms}: the real peers (protoc, Go, Node, Python, a
 *       fresh JVM), failing with the Debian package to install when one is missing.
 *   <li>{@link dev.switchboard.testing.PostgresServer}: a throwaway PostgreSQL on a free port.
 *   <li>{@link dev.switchboard.testing.Await}: wait for a condition, with a message that says what
 *       was awaited.
 *   <li>{@link dev.switchboard.testing.FakeClock}: a {@code java.time.Clock} and ticker moved by
 *       hand; {@link dev.switchboard.testing.ManualScheduler}, a scheduled executor that runs its
 *       tasks as a test moves that clock.
 *   <li>{@link dev.switchboard.testing.FreePorts}: a free TCP port for peers that need one up
 *       front.
 *   <li>{@link dev.switchboard.testing.Fixtures}: the shared {@code .proto} contracts.
 * </ul>
 *
 * <p>Failures are {@code AssertionError}s that name the process and quote its last lines.
 */
@NullMarked
package dev.switchboard.testing;

import org.jspecify.annotations.NullMarked;
