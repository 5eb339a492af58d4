package dev.switchboard.benchmarks.grpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures grpc-java's {@code AsyncClient} prints when a run ends.
 *
 * <p>AsyncClient prints its summary as {@code label: value} lines, for example {@code 99%ile
 * Latency (in micros): 15551} and {@code QPS: 8683}; the latencies come from its HdrHistogram and
 * are in microseconds.
 */
record AsyncClientReport(
    long qps, long p50Micros, long p90Micros, long p99Micros, long p999Micros, long maxMicros) {

  private static final Pattern LINE = Pattern.compile("^\\s*([^:]+?)\\s*:\\s*(\\d+)\\s*$");

  private static final List<String> REQUIRED =
      List.of(
          "QPS",
          "50%ile Latency (in micros)",
          "90%ile Latency (in micros)",
          "99%ile Latency (in micros)",
          "99.9%ile Latency (in micros)",
          "Maximum Latency (in micros)");

  /**
   * Reads the summary out of AsyncClient's whole output.
   *
   * @throws IllegalArgumentException naming the missing lines, with the output, when the client
   *     printed no complete summary (it failed, or its format changed)
   */
  static AsyncClientReport parse(String output) {
    Map<String, Long> values = new HashMap<>();
    output
        .lines()
        .map(LINE::matcher)
        .filter(Matcher::matches)
        .forEach(m -> values.put(m.group(1), Long.parseLong(m.group(2))));
    long[] figures = new long[REQUIRED.size()];
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < figures.length; i++) {
      Long value = values.get(REQUIRED.get(i));
      if (value == null) {
        missing.add(REQUIRED.get(i));
      } else {
        figures[i] = value;
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "AsyncClient printed no " + missing + " line; its output was:\n" + output);
    }
    return new AsyncClientReport(
        figures[0], figures[1], figures[2], figures[3], figures[4], figures[5]);
  }
}
