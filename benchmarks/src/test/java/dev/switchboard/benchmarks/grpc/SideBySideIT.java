package dev.switchboard.benchmarks.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.benchmarks.grpc.SideBySide.Rpc;
import dev.switchboard.benchmarks.grpc.SideBySide.Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side-by-side harness end to end, briefly: real AsyncServer, real Switchboard servers (stubs
 * and dynamic) and real AsyncClient JVMs, about two seconds of load each. It proves the harness
 * works; it asserts no speed (figures come only from run-grpc.sh, see docs/benchmarks.md).
 */
class SideBySideIT {

  private static Path built(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property %s (set by benchmarks/pom.xml)", property).isNotNull();
    Path path = Path.of(value);
    assertThat(path).as("%s; build with mvn -pl benchmarks verify", property).exists();
    return path;
  }

  @Test
  void drivesEveryServerWithAsyncClientAndReportsTheirFigures(@TempDir Path work) throws Exception {
    Path table = work.resolve("table.md");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    Map<Rpc, Map<Server, List<RunFigures>>> results =
        SideBySide.run(
            new String[] {
              "--anchor-lib=" + built("benchmarks.anchorLib"),
              "--jar=" + built("benchmarks.jar"),
              "--protos=" + built("benchmarks.protos"),
              "--rounds=1",
              "--duration=2",
              "--warmup_duration=1",
              "--channels=1",
              "--outstanding_rpcs=2",
              "--jvm-flags=-Xmx256m -XX:TieredStopAtLevel=1",
              "--work=" + work,
              "--out=" + table,
            },
            new PrintStream(progress, true, StandardCharsets.UTF_8));

    assertThat(results).containsOnlyKeys(Rpc.UNARY, Rpc.STREAMING);
    for (Map<Server, List<RunFigures>> byServer : results.values()) {
      assertThat(byServer).containsOnlyKeys(Server.ANCHOR, Server.STUBS, Server.DYNAMIC);
      // Every server answered calls: AsyncClient counted some and measured their latency.
      byServer
          .values()
          .forEach(
              runs ->
                  assertThat(runs)
                      .singleElement()
                      .satisfies(
                          run -> {
                            assertThat(run.client().qps()).isPositive();
                            assertThat(run.client().p99Micros()).isPositive();
                          }));
    }
    assertThat(Files.readString(table))
        .contains("| unary | Switchboard, dynamic service |")
        .contains("| streaming | Switchboard, generated stubs |");
  }
}
