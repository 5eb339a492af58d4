#!/usr/bin/env bash
# Plugin start-up, this tree against another build of the repository, side by side: a Go host
# (go-plugin 1.0.1, plugin/target/go/bin/kvhost) launches each tree's bin/kv-plugin and makes its
# first call, launches alternating in ABBA order so a shared machine's changing load hits both alike.
# Reports, per mode (AutoMTLS and plaintext, unix socket), the median wall time from launch to the
# first completed call and the median CPU time (user + system) of the plugin process.
#
# Usage: benchmarks/plugin-ab.sh OTHER_ROOT [ROUNDS]     (ROUNDS launches of each tree per mode, 30)
#   OTHER_ROOT: a checkout built with `mvn -pl plugin -am -DskipTests package`, for example
#   `git worktree add /tmp/before <commit>`. This tree needs the same, and `mvn -pl plugin verify`
#   once for the Go programs.
set -euo pipefail

this="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
other="$(cd -P "$1" && pwd)"
rounds="${2:-30}"
kvhost="$this/plugin/target/go/bin/kvhost"
for root in "$other" "$this"; do
  [ -f "$root/plugin/target/kv-plugin.jar" ] || { echo "no $root/plugin/target/kv-plugin.jar" >&2; exit 2; }
done
[ -x "$kvhost" ] || { echo "no $kvhost: run mvn -pl plugin verify once" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The plugin's CPU time from the kernel's rusage, to the microsecond.
cat > "$work/cpu.py" <<'PY'
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write("%.4f\n" % (usage.ru_utime + usage.ru_stime))
PY

launch() { # MODE ROOT -> "wall_ms cpu_s"
  local flag=""
  [ "$1" = mtls ] && flag="-mtls"
  rm -f "$work/cpu"
  local ns
  ns=$("$kvhost" $flag -cmd "python3 $work/cpu.py $work/cpu $2/bin/kv-plugin" firstcall 2>/dev/null | tail -1)
  while [ ! -s "$work/cpu" ]; do sleep 0.05; done
  echo "$((ns / 1000000)) $(cat "$work/cpu")"
}

# The first launch of each tree trains its class-data-sharing archive.
for root in "$other" "$this"; do launch mtls "$root" > /dev/null; done
echo "load before: $(uptime)"
for mode in mtls plain; do
  : > "$work/$mode"
  for ((i = 0; i < rounds; i++)); do
    if ((i % 2 == 0)); then order="other this"; else order="this other"; fi
    for side in $order; do
      root="$other"; [ "$side" = this ] && root="$this"
      sleep 0.3
      echo "$side $(launch "$mode" "$root")" >> "$work/$mode"
    done
  done
done
echo "load after:  $(uptime)"
python3 - "$work" "$rounds" <<'PY'
import statistics, sys
work, rounds = sys.argv[1], sys.argv[2]
for mode in ("mtls", "plain"):
    rows = [line.split() for line in open(f"{work}/{mode}")]
    median = {}
    for side in ("other", "this"):
        wall = [float(r[1]) for r in rows if r[0] == side]
        cpu = [float(r[2]) for r in rows if r[0] == side]
        median[side] = (statistics.median(wall), statistics.median(cpu))
        print(f"{mode:5} {side:5} n={len(wall)}  wall median {median[side][0]:7.1f} ms"
              f"  cpu median {median[side][1]:.3f} s")
    print(f"{mode:5} this/other: wall {median['this'][0] / median['other'][0]:.3f}"
          f"  cpu {median['this'][1] / median['other'][1]:.3f}")
PY
