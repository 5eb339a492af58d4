package dev.switchboard.benchmarks.grpc;

import dev.switchboard.benchmarks.grpc.SideBySide.Rpc;
import dev.switchboard.benchmarks.grpc.SideBySide.Server;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The harness's report: medians per server and RPC shape, their ratios to the anchor, and whether
 * the runtime's goals hold (generated stubs: QPS at least 0.95x and p99 at most 1.1x the anchor's;
 * dynamic service: QPS at least 0.85x).
 */
final class ResultTable {

  static final double STUBS_MIN_QPS_RATIO = 0.95;
  static final double STUBS_MAX_P99_RATIO = 1.10;
  static final double DYNAMIC_MIN_QPS_RATIO = 0.85;

  private ResultTable() {}

  static String markdown(Map<Rpc, Map<Server, List<RunFigures>>> results, String setup) {
    StringBuilder text = new StringBuilder(setup).append('\n');
    text.append(
        "| RPC | server | QPS | p50 (us) | p99 (us) | QPS ratio | p99 ratio | goal "
            + "| paired QPS ratio | server CPU (us/call) | QPS per round |\n");
    text.append("|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|\n");
    for (Map.Entry<Rpc, Map<Server, List<RunFigures>>> byRpc : results.entrySet()) {
      Map<Server, List<RunFigures>> servers = byRpc.getValue();
      List<RunFigures> anchor = servers.get(Server.ANCHOR);
      for (Map.Entry<Server, List<RunFigures>> entry : servers.entrySet()) {
        List<RunFigures> reports = entry.getValue();
        long qps = median(reports, r -> r.client().qps());
        long p99 = median(reports, r -> r.client().p99Micros());
        String qpsRatio = "";
        String p99Ratio = "";
        String goal = "";
        String paired = "";
        if (anchor != null && entry.getKey() != Server.ANCHOR) {
          paired = String.format("%.2f", pairedQpsRatio(reports, anchor));
          double q = (double) qps / median(anchor, r -> r.client().qps());
          double p = (double) p99 / median(anchor, r -> r.client().p99Micros());
          qpsRatio = String.format("%.2f", q);
          p99Ratio = String.format("%.2f", p);
          goal = goal(entry.getKey(), q, p);
        }
        text.append(
            String.format(
                "| %s | %s | %d | %d | %d | %s | %s | %s | %s | %.1f | %s |%n",
                byRpc.getKey().flagName(),
                entry.getKey().label,
                qps,
                median(reports, r -> r.client().p50Micros()),
                p99,
                qpsRatio,
                p99Ratio,
                goal,
                paired,
                medianCpu(reports),
                reports.stream().map(r -> Long.toString(r.client().qps())).toList()));
      }
    }
    return text.toString();
  }

  static String goal(Server server, double qpsRatio, double p99Ratio) {
    return switch (server) {
      case STUBS ->
          qpsRatio >= STUBS_MIN_QPS_RATIO && p99Ratio <= STUBS_MAX_P99_RATIO
              ? "met (>= 0.95x QPS, <= 1.1x p99)"
              : "MISSED (>= 0.95x QPS, <= 1.1x p99)";
      case DYNAMIC ->
          qpsRatio >= DYNAMIC_MIN_QPS_RATIO ? "met (>= 0.85x QPS)" : "MISSED (>= 0.85x QPS)";
      case ANCHOR -> "";
    };
  }

  /** The median; for an even count the lower middle value, so that it is a measured figure. */
  static long median(List<RunFigures> runs, ToLongFunction<RunFigures> figure) {
    long[] values = runs.stream().mapToLong(figure).sorted().toArray();
    return values[(values.length - 1) / 2];
  }

  /**
   * The median over rounds of this server's QPS divided by the anchor's QPS in the same round. The
   * servers of one round run back to back, so this pairs runs that saw about the same load from the
   * rest of the machine; on a shared machine it is steadier than the ratio of the medians.
   */
  static double pairedQpsRatio(List<RunFigures> runs, List<RunFigures> anchor) {
    int rounds = Math.min(runs.size(), anchor.size());
    double[] ratios = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      ratios[i] = (double) runs.get(i).client().qps() / anchor.get(i).client().qps();
    }
    Arrays.sort(ratios);
    return ratios[(rounds - 1) / 2];
  }

  static double medianCpu(List<RunFigures> runs) {
    double[] values =
        runs.stream().mapToDouble(RunFigures::serverCpuMicrosPerCall).sorted().toArray();
    return values[(values.length - 1) / 2];
  }
}
