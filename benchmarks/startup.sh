#!/usr/bin/env bash
# Start-up benchmark: wall time of `sb call` against the smallest Java main that makes the same
# unary call with generated stubs (dev.switchboard.benchmarks.startup.MinimalHealthCall).
# Goal: sb's median at most 1.3 times the minimal main's median.
#
# Both call grpc.health.v1.Health/Check on one server (StartupServer: our runtime, reflection on),
# started once. sb also resolves the method through server reflection and goes through JSON, which is
# the point: that is the work a real `sb call` does. Uses hyperfine when installed (Debian package
# hyperfine), otherwise a bash loop; reports medians of RUNS runs (default 15) after 3 warm-ups.
#
# Usage: benchmarks/startup.sh            (from any directory)
#        RUNS=30 benchmarks/startup.sh
set -euo pipefail

repo="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-15}"
cd "$repo"

if [ ! -f cli/target/sb.jar ]; then
  mvn -q -B -DskipTests package -pl cli -am
fi
# The minimal main gets a minimal class path: only grpc-java, protobuf and their own dependencies, as
# a small application would ship them (no Switchboard, no picocli, no logging).
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The two mains are compiled here, into the scratch directory, so the benchmark does not depend on
# the state of benchmarks/target (sb.jar carries everything they compile against).
classes="$work/classes"
javac -nowarn -d "$classes" -cp "$repo/cli/target/sb.jar" "$repo"/benchmarks/src/main/java/dev/switchboard/benchmarks/startup/*.java
mvn -q -B dependency:build-classpath -pl runtime -Dmdep.outputFile="$work/full.cp" >/dev/null
thin_cp="$classes"
IFS=":" read -r -a entries < "$work/full.cp" || true  # no trailing newline
for entry in "${entries[@]}"; do
  case "$entry" in
    */io/grpc/*|*/com/google/*|*/io/perfmark/*|*/org/checkerframework/*|*/org/codehaus/mojo/*)
      thin_cp="$thin_cp:$entry" ;;
  esac
done

# One server for every run; it stops when its stdin closes (or on the trap's kill).
mkfifo "$work/server.in"
java -cp "$classes:$repo/cli/target/sb.jar" \
  dev.switchboard.benchmarks.startup.StartupServer < "$work/server.in" > "$work/server.out" 2>"$work/server.err" &
server_pid=$!
exec {server_stdin}>"$work/server.in"
for _ in $(seq 1 300); do
  [ -s "$work/server.out" ] && break
  sleep 0.1
done
target="$(head -n1 "$work/server.out")"
[ -n "$target" ] || { echo "server did not start: $(cat "$work/server.err")" >&2; exit 1; }

minimal=(java -cp "$thin_cp" dev.switchboard.benchmarks.startup.MinimalHealthCall "$target")
minimal_c1=(java -XX:TieredStopAtLevel=1 -cp "$thin_cp" dev.switchboard.benchmarks.startup.MinimalHealthCall "$target")
sb=("$repo/bin/sb" call --plaintext "$target" grpc.health.v1.Health/Check -d '{}')
sb_plain=(java -jar "$repo/cli/target/sb.jar" call --plaintext "$target" grpc.health.v1.Health/Check -d '{}')

# Check both answer the same before timing anything (this also builds sb's start-up archive).
[ "$("${minimal[@]}")" = '{"status":"SERVING"}' ] || { echo "minimal main failed" >&2; exit 1; }
[ "$("${sb[@]}")" = '{"status":"SERVING"}' ] || { echo "sb call failed" >&2; exit 1; }

quote() { printf '%q ' "$@"; }
echo "server: $target; runs: $runs; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/result.json" \
    -n "minimal main (generated stubs)" "$(quote "${minimal[@]}")" \
    -n "sb call (bin/sb)" "$(quote "${sb[@]}")" \
    -n "minimal main, -XX:TieredStopAtLevel=1 (reference)" "$(quote "${minimal_c1[@]}")" \
    -n "sb call, plain java -jar (reference)" "$(quote "${sb_plain[@]}")" >&2
  python3 - "$work/result.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
median = {r["command"]: r["median"] for r in results}
base = median["minimal main (generated stubs)"]
for name, value in median.items():
    print(f"{name:52s} median {value * 1000:7.0f} ms   ratio {value / base:5.2f}")
PY
else
  measure() {
    local times=() start end
    for i in $(seq 1 $((runs + 3))); do
      start=$(date +%s%N)
      "$@" > /dev/null
      end=$(date +%s%N)
      [ "$i" -gt 3 ] && times+=($(( (end - start) / 1000000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
  }
  base=$(measure "${minimal[@]}")
  sb_ms=$(measure "${sb[@]}")
  c1=$(measure "${minimal_c1[@]}")
  plain=$(measure "${sb_plain[@]}")
  printf '%-52s median %7d ms   ratio %5.2f\n' "minimal main (generated stubs)" "$base" 1 \
    "sb call (bin/sb)" "$sb_ms" "$(echo "scale=2; $sb_ms / $base" | bc)" \
    "minimal main, -XX:TieredStopAtLevel=1 (reference)" "$c1" "$(echo "scale=2; $c1 / $base" | bc)" \
    "sb call, plain java -jar (reference)" "$plain" "$(echo "scale=2; $plain / $base" | bc)"
fi
exec {server_stdin}>&-
