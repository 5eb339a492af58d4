package dev.switchboard.benchmarks.plugin;

import com.google.protobuf.ByteString;
import dev.switchboard.plugin.PluginClient;
import dev.switchboard.plugin.examples.KvPlugin;
import dev.switchboard.plugin.examples.kv.GetRequest;
import dev.switchboard.plugin.examples.kv.KVGrpc;
import dev.switchboard.plugin.examples.kv.PutRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Side-by-side plugin figures against go-plugin (Debian's 1.0.1), all with AutoMTLS over unix
 * sockets, using the KV contract of go-plugin's examples/grpc:
 *
 * <ol>
 *   <li>launch to first completed call, Java host (warm JVM) to Go plugin, against Go host to Go
 *       plugin;
 *   <li>launch to first completed call, Go host to Java plugin (bin/kv-plugin, class-data sharing),
 *       against Go host to Go plugin;
 *   <li>per-call latency of sequential Get calls: Java to Java, Java to Go, Go to Java, Go to Go.
 * </ol>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.switchboard.benchmarks.plugin.PluginBench \
 *     GO_KVHOST GO_KVPLUGIN "JAVA PLUGIN COMMAND" [ROUNDS] [CALLS]
 * </pre>
 *
 * The Go programs are the ones plugin's integration tests build into plugin/target/go/bin.
 */
public final class PluginBench {
  static final long SETTLE_MILLIS = 300;

  private PluginBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println(
          "usage: PluginBench GO_KVHOST GO_KVPLUGIN \"JAVA PLUGIN COMMAND\" [ROUNDS] [CALLS]");
      System.exit(2);
    }
    String goHost = args[0];
    String goPlugin = args[1];
    String javaPlugin = args[2];
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
    int calls = args.length > 4 ? Integer.parseInt(args[4]) : 5000;

    List<Double> goGo = new ArrayList<>();
    List<Double> goJava = new ArrayList<>();
    List<Double> javaGo = new ArrayList<>();
    // Warm-up: the JVM's first launches load and compile the host path; Go and CDS archives settle.
    for (int i = 0; i < 5; i++) {
      javaHostFirstCall(goPlugin);
      goHostFirstCall(goHost, goPlugin);
      goHostFirstCall(goHost, javaPlugin);
    }
    for (int i = 0; i < rounds; i++) {
      settle();
      goGo.add(goHostFirstCall(goHost, goPlugin));
      settle();
      javaGo.add(javaHostFirstCall(goPlugin));
      settle();
      goJava.add(goHostFirstCall(goHost, javaPlugin));
    }
    System.out.println(
        "launch -> first completed call (AutoMTLS, unix socket), median of "
            + rounds
            + " (p90), "
            + SETTLE_MILLIS
            + " ms pause before each launch:");
    report("Go host   -> Go plugin  ", goGo, median(goGo));
    report("Java host -> Go plugin  ", javaGo, median(goGo));
    report("Go host   -> Java plugin", goJava, median(goGo));

    System.out.println(
        "per-call latency, sequential Get, "
            + calls
            + " calls after warm-up (AutoMTLS, unix socket):");
    double goToGo = goHostLatency(goHost, goPlugin, calls);
    double goToJava = goHostLatency(goHost, javaPlugin, calls);
    double javaToGo = javaHostLatency(List.of(goPlugin), calls);
    double javaToJava = javaHostLatency(split(javaPlugin), calls);
    latency("Go host   -> Go plugin  ", goToGo, goToGo);
    latency("Java host -> Go plugin  ", javaToGo, goToGo);
    latency("Go host   -> Java plugin", goToJava, goToGo);
    latency("Java host -> Java plugin", javaToJava, goToGo);
  }

  /**
   * Every launch starts from a quiet machine, as a host starting a plugin now and then does: the
   * previous measurement's leftovers (this JVM's JIT and event loops winding down after a Java-host
   * launch, an exiting plugin JVM) would otherwise land in whichever measurement comes next. The
   * same pause precedes all three kinds of launch.
   */
  private static void settle() throws InterruptedException {
    Thread.sleep(SETTLE_MILLIS);
  }

  private static List<String> split(String command) {
    return Arrays.asList(command.trim().split("\\s+"));
  }

  static double javaHostFirstCall(String plugin) throws Exception {
    long start = System.nanoTime();
    PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE).command(split(plugin)).build().start();
    try {
      client
          .stub(KVGrpc::newBlockingStub)
          .put(
              PutRequest.newBuilder()
                  .setKey("first")
                  .setValue(ByteString.copyFromUtf8("call"))
                  .build());
      return (System.nanoTime() - start) / 1e6;
    } finally {
      client.kill();
    }
  }

  static double goHostFirstCall(String goHost, String plugin) throws Exception {
    return Double.parseDouble(runGo(goHost, "-mtls", "-cmd", plugin, "firstcall")) / 1e6;
  }

  static double goHostLatency(String goHost, String plugin, int calls) throws Exception {
    return Double.parseDouble(
            runGo(goHost, "-mtls", "-n", Integer.toString(calls), "-cmd", plugin, "latency"))
        / 1e3;
  }

  static double javaHostLatency(List<String> plugin, int calls) throws Exception {
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE).command(plugin).build().start()) {
      KVGrpc.KVBlockingStub kv = client.stub(KVGrpc::newBlockingStub);
      kv.put(PutRequest.newBuilder().setKey("k").setValue(ByteString.copyFromUtf8("v")).build());
      GetRequest get = GetRequest.newBuilder().setKey("k").build();
      for (int i = 0; i < 5000; i++) {
        kv.get(get);
      }
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        kv.get(get);
      }
      return (System.nanoTime() - start) / 1e3 / calls;
    }
  }

  private static String runGo(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("failed: " + String.join(" ", command) + "\n" + out);
    }
    return out.lines().reduce((a, b) -> b).orElseThrow();
  }

  private static double median(List<Double> values) {
    return percentile(values, 50);
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static void report(String label, List<Double> values, double baseline) {
    double median = median(values);
    System.out.printf(
        Locale.ROOT,
        "  %s %8.1f ms (p90 %8.1f ms)  %5.2fx Go->Go%n",
        label,
        median,
        percentile(values, 90),
        median / baseline);
  }

  private static void latency(String label, double micros, double baseline) {
    System.out.printf(
        Locale.ROOT,
        "  %s %8.1f us/call  %8.0f calls/s  %5.2fx Go->Go%n",
        label,
        micros,
        1e6 / micros,
        micros / baseline);
  }
}
