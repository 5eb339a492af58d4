package dev.switchboard.benchmarks.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AsyncClientReportTest {

  /** The summary as grpc-benchmarks 1.79.0's AsyncClient prints it (captured from a real run). */
  private static final String OUTPUT =
      """
      Channels:                       4
      Outstanding RPCs per Channel:   10
      Server Payload Size:            0
      Client Payload Size:            0
      50%ile Latency (in micros):     3807
      90%ile Latency (in micros):     8575
      95%ile Latency (in micros):     10495
      99%ile Latency (in micros):     15551
      99.9%ile Latency (in micros):   24063
      Maximum Latency (in micros):    35583
      QPS:                            8683
      """;

  @Test
  void readsEveryFigureOfTheSummary() {
    AsyncClientReport report = AsyncClientReport.parse("some warm-up chatter\n" + OUTPUT);

    assertThat(report).isEqualTo(new AsyncClientReport(8683, 3807, 8575, 15551, 24063, 35583));
  }

  @Test
  void namesTheMissingLinesAndKeepsTheOutput() {
    String truncated = OUTPUT.replace("QPS:                            8683\n", "");

    assertThatThrownBy(() -> AsyncClientReport.parse(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[QPS]")
        .hasMessageContaining("Maximum Latency (in micros):    35583");
  }
}
