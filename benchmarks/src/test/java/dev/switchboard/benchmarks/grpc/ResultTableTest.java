package dev.switchboard.benchmarks.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.benchmarks.grpc.SideBySide.Rpc;
import dev.switchboard.benchmarks.grpc.SideBySide.Server;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {

  private static RunFigures report(long qps, long p50, long p99) {
    return new RunFigures(new AsyncClientReport(qps, p50, p50, p99, p99, p99), qps / 100.0);
  }

  @Test
  void showsMediansRatiosAndGoals() {
    Map<Server, List<RunFigures>> unary = new EnumMap<>(Server.class);
    unary.put(
        Server.ANCHOR, List.of(report(1000, 10, 100), report(900, 12, 140), report(1100, 9, 90)));
    unary.put(
        Server.STUBS, List.of(report(980, 10, 105), report(990, 11, 108), report(400, 30, 500)));
    unary.put(
        Server.DYNAMIC, List.of(report(800, 12, 120), report(820, 12, 130), report(810, 13, 125)));
    Map<Rpc, Map<Server, List<RunFigures>>> results = new EnumMap<>(Rpc.class);
    results.put(Rpc.UNARY, unary);

    String table = ResultTable.markdown(results, "- setup\n");

    assertThat(table)
        .startsWith("- setup\n")
        .contains(
            "| unary | grpc-java AsyncServer (anchor) | 1000 | 10 | 100 |  |  |  |  "
                + "| 10.0 | [1000, 900, 1100] |")
        .contains("| unary | Switchboard, generated stubs | 980 | 11 | 108 | 0.98 | 1.08 | met")
        // Round by round: 980/1000, 990/900, 400/1100; the middle one is 0.98.
        .contains("| 0.98 | 9.8 | [980, 990, 400] |")
        .contains("| unary | Switchboard, dynamic service | 810 | 12 | 125 | 0.81 | 1.25 | MISSED");
  }

  @Test
  void medianOfAnEvenCountIsTheLowerMiddleRun() {
    assertThat(
            ResultTable.median(
                List.of(report(4, 0, 0), report(1, 0, 0), report(3, 0, 0), report(2, 0, 0)),
                r -> r.client().qps()))
        .isEqualTo(2);
  }
}
