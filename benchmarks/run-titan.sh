#!/usr/bin/env bash
# TitanCompute's route and signature figures in one command (BENCHMARKS.md, "TitanCompute"):
#   - CPU per call of RequestInference (ES256 token included) and of a no-op unary call, on one
#     runtime in one JVM, 1,000 simulated agents heartbeating at 1 Hz (TitanBench --only route);
#   - the CPU of one ES256 signature of the route's signing input: TitanCompute's signer, and Go's
#     crypto/ecdsa (Debian's golang-go) on as many bytes, measured between the same rounds;
#   - the route without the signature as a multiple of the no-op call (goal <= 1.15x) and the Java
#     signature as a multiple of Go's (goal <= 1.5x).
# Rounds are interleaved and the figures are medians; CPU time per call, not calls per second, so a
# busy machine moves them little. The load average is printed before and after.
#
# Usage: benchmarks/run-titan.sh                      (defaults: --seconds 30 --rounds 15 --warmup 5)
#        benchmarks/run-titan.sh --seconds 10 --rounds 5   (a shorter run; TitanBench's flags)
# Builds benchmarks/target/benchmarks.jar when it is missing or older than the sources it holds,
# and the Go anchor into benchmarks/target/go/es256sign.
set -euo pipefail

repo="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
jar=benchmarks/target/benchmarks.jar

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find benchmarks/src titancompute/src runtime/src contract/src -newer "$jar" -type f -print -quit)" ]
}
if stale; then
  echo "run-titan: building $jar (sources changed or jar missing)" >&2
  mvn -q -B -DskipTests -Danchor.skip package -pl benchmarks -am
fi
if ! command -v go >/dev/null; then
  echo "run-titan: 'go' is not on PATH; install Debian's golang-go (bin/test does)" >&2
  exit 2
fi
mkdir -p benchmarks/target/go
GO111MODULE=off go build -o benchmarks/target/go/es256sign ./benchmarks/src/main/go/es256sign

echo "run-titan: $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -Xmx2g -cp "$jar" dev.switchboard.benchmarks.titan.TitanBench \
  --only route --seconds 30 --rounds 15 --warmup 5 \
  --go-sign benchmarks/target/go/es256sign "$@"
