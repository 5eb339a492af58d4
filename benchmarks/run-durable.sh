#!/usr/bin/env bash
# Durable calls side by side (docs/benchmarks.md): 64 workers making gRPC unary calls plainly and
# through the oplog on SQLite (synchronous=FULL) and PostgreSQL, the disk's fsync floor, and replay
# of a 10,000-call history against the same calls made live. One command, one JVM, a Markdown report.
#
#   mvn -B -pl benchmarks -am package -DskipTests -Danchor.skip   # once: target/benchmarks.jar
#   benchmarks/run-durable.sh                                     # ~3 rounds x 5 phases x 10 s
#   benchmarks/run-durable.sh --help                              # all flags
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/benchmarks.jar"
if [[ ! -e "$jar" ]]; then
  echo "run-durable: $jar is missing; build it first: mvn -B -pl benchmarks -am package -DskipTests" >&2
  exit 2
fi
java_bin="java"
if [[ -n "${JAVA_HOME:-}" ]]; then java_bin="$JAVA_HOME/bin/java"; fi
exec "$java_bin" -Xms1g -Xmx1g -cp "$jar" dev.switchboard.benchmarks.durable.DurableBench "$@"
