#!/usr/bin/env bash
# Side-by-side gRPC benchmark: grpc-java's AsyncServer against Switchboard's
# runtime (generated stubs, and a dynamic service over the proto loaded at run time), each driven
# by grpc-java's AsyncClient with the same flags. See docs/benchmarks.md.
#
#   mvn -B -pl benchmarks -am package -DskipTests     # once: builds target/benchmarks.jar + target/anchor
#   benchmarks/run-grpc.sh                            # 3 rounds x 2 RPC shapes x 3 servers, ~30 s each
#   benchmarks/run-grpc.sh --help                     # all flags
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/target"
for need in "$target/benchmarks.jar" "$target/anchor/lib" "$target/benchmark-protos"; do
  if [[ ! -e "$need" ]]; then
    echo "run-grpc: $need is missing; build it first: mvn -B -pl benchmarks -am package -DskipTests" >&2
    exit 2
  fi
done
java_bin="java"
if [[ -n "${JAVA_HOME:-}" ]]; then java_bin="$JAVA_HOME/bin/java"; fi
exec "$java_bin" -cp "$target/benchmarks.jar" dev.switchboard.benchmarks.grpc.SideBySide \
  --anchor-lib="$target/anchor/lib" \
  --jar="$target/benchmarks.jar" \
  --protos="$target/benchmark-protos" \
  "$@"
