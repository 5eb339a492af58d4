#!/usr/bin/env bash
# Side-by-side messaging benchmark: the embedded hub against nats-server (JetStream for queues)
# through jnats, plus request latency against a plain unary call on our runtime and dead-peer
# detection times. See docs/benchmarks.md and BENCHMARKS.md.
#
#   mvn -B -pl benchmarks -am package -DskipTests -Danchor.skip   # once: target/benchmarks.jar
#   benchmarks/run-messaging.sh [--messages=200000] [--requests=5000] [--detections=10] [--heartbeat-ms=200]
#       [--only=pubsub,queue,latency,detection] [--sizes=16,1024] [--server-jvm-option=OPTION ...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/benchmarks.jar"
if [[ ! -e "$jar" ]]; then
  echo "run-messaging: $jar is missing; build it first: mvn -B -pl benchmarks -am package -DskipTests" >&2
  exit 2
fi
command -v nats-server >/dev/null || { echo "run-messaging: nats-server is not on PATH (Debian package nats-server)" >&2; exit 2; }
java_bin="java"
if [[ -n "${JAVA_HOME:-}" ]]; then java_bin="$JAVA_HOME/bin/java"; fi
exec "$java_bin" -Xmx2g -XX:-UseDynamicNumberOfCompilerThreads -cp "$jar" dev.switchboard.benchmarks.messaging.MessagingSideBySide "$@"
