#!/usr/bin/env bash
# Start-up benchmark: wall time of `sb call` against the smallest Java main that makes the same
# unary call with generated stubs (dev.switchboard.benchmarks.startup.MinimalHealthCall).
# Goal: sb's median at most 1.3 times the minimal main's median.
#
# Both call grpc.health.v1.Health/Check on one server (StartupServer: our runtime, reflection on),
# started once. sb also resolves the method through server reflection and goes through JSON, which is
# the point: that is the work a real `sb call` does. Reports medians of wall and CPU time over RUNS
# interleaved rounds (default 15, after 3 warm-up rounds): each round runs every command once, so a
# shared machine's changing load hits all alike. Then hyperfine's statistics when it is installed
# (Debian package hyperfine; NO_HYPERFINE=1 skips it).
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
# In a jar, because class-data sharing refuses non-empty directories on the class path.
jar cf "$work/startup.jar" -C "$classes" .
# Compiling in the same session lets the reactor resolve runtime's sibling modules without installing them.
mvn -q -B -pl runtime -am -DskipTests -Dspotless.check.skip compile dependency:build-classpath \
  -Dmdep.outputFile="$work/full.cp" >/dev/null
thin_cp="$work/startup.jar"
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
sb=("$repo/bin/sb" call --plaintext "$target" grpc.health.v1.Health/Check -d '{}')
sb_plain=(java -jar "$repo/cli/target/sb.jar" call --plaintext "$target" grpc.health.v1.Health/Check -d '{}')

# Check both answer the same before timing anything (this also builds sb's start-up archive).
[ "$("${minimal[@]}")" = '{"status":"SERVING"}' ] || { echo "minimal main failed" >&2; exit 1; }
[ "$("${sb[@]}")" = '{"status":"SERVING"}' ] || { echo "sb call failed" >&2; exit 1; }

# The minimal main may use class-data sharing too, for a like-for-like reference.
java -XX:TieredStopAtLevel=1 -XX:ArchiveClassesAtExit="$work/minimal.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -cp "$thin_cp" dev.switchboard.benchmarks.startup.MinimalHealthCall "$target" > /dev/null \
  || { echo "could not make the minimal main's CDS archive" >&2; exit 1; }
minimal_cds=(java -XX:TieredStopAtLevel=1 -XX:SharedArchiveFile="$work/minimal.jsa" -Xlog:cds=off
  -Xlog:cds+dynamic=off -cp "$thin_cp" dev.switchboard.benchmarks.startup.MinimalHealthCall "$target")

names=("minimal main (generated stubs)" "sb call (bin/sb)"
  "minimal main, C1 + its own CDS archive (reference)" "sb call, plain java -jar (reference)")
commands=("minimal" "sb" "minimal_cds" "sb_plain")

echo "server: $target; runs: $runs (interleaved, after 3 warm-up rounds); $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
# Interleaved rounds (each command once per round) so that load changes on a shared machine hit
# every command alike. bash's time builtin gives wall and CPU (user + system) seconds.
TIMEFORMAT='%3R %3U %3S'
for round in $(seq 1 $((runs + 3))); do
  for i in "${!commands[@]}"; do
    declare -n command="${commands[$i]}"
    # A failed run (say, the jar being rebuilt meanwhile) is counted, not timed, and does not stop the rest.
    if { time "${command[@]}" > /dev/null 2>&1; } 2> "$work/last"; then
      if [ "$round" -gt 3 ]; then cat "$work/last" >> "$work/times.$i"; fi
    else
      echo "run failed: ${names[$i]}" >> "$work/failures"
    fi
    unset -n command
  done
done
if [ -f "$work/failures" ]; then sort "$work/failures" | uniq -c >&2; fi
python3 - "$work" "${names[@]}" <<'PY'
import statistics, sys
work, names = sys.argv[1], sys.argv[2:]
rows = []
for i, name in enumerate(names):
    samples = [list(map(float, line.split())) for line in open(f"{work}/times.{i}")]
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] + s[2] for s in samples)
    rows.append((name, wall, cpu))
base_wall, base_cpu = rows[0][1], rows[0][2]
print(f"{'':52s} {'wall median':>12s} {'ratio':>6s} {'cpu median':>11s} {'ratio':>6s}")
for name, wall, cpu in rows:
    print(f"{name:52s} {wall * 1000:9.0f} ms {wall / base_wall:6.2f} {cpu * 1000:8.0f} ms {cpu / base_cpu:6.2f}")
PY

if command -v hyperfine > /dev/null && [ "${NO_HYPERFINE:-0}" != "1" ]; then
  quote() { printf '%q ' "$@"; }
  echo
  echo "hyperfine (each command's runs back to back):"
  hyperfine -N --warmup 3 --runs "$runs" \
    -n "${names[0]}" "$(quote "${minimal[@]}")" \
    -n "${names[1]}" "$(quote "${sb[@]}")" \
    -n "${names[2]}" "$(quote "${minimal_cds[@]}")" \
    -n "${names[3]}" "$(quote "${sb_plain[@]}")"
fi
exec {server_stdin}>&-
