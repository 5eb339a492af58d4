package dev.switchboard.titancompute.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.Target;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import dev.switchboard.titancompute.agent.Agent;
import dev.switchboard.titancompute.agent.InferenceEngine;
import dev.switchboard.titancompute.client.InferenceResult;
import dev.switchboard.titancompute.client.TitanClient;
import dev.switchboard.titancompute.v1.InferenceRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard as a person sees it: Debian's headless Chromium loads the page from a live
 * coordinator, runs its script, and the test reads the rendered DOM (agent rows with their states,
 * load charts, the recent request with its latency) and takes a screenshot.
 */
class DashboardIT {
  @TempDir Path dir;

  private String chromium(String url, String... mode) {
    List<String> command =
        new ArrayList<>(
            List.of(
                PeerPrograms.onPath("chromium", "chromium").toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + dir.resolve("profile-" + mode[0].replaceAll("\\W", "")),
                // Lets the page's first poll of /api/status complete before the DOM is read.
                "--virtual-time-budget=3000",
                "--window-size=1400,900"));
    command.addAll(List.of(mode));
    command.add(url);
    return TestProcess.builder(command)
        .name("chromium")
        .run(Duration.ofSeconds(60))
        .assertSuccess()
        .stdout();
  }

  @Test
  void showsAgentsStatesChartsAndRecentRequests() throws Exception {
    try (Coordinator coordinator =
        Coordinator.builder(Target.tcp("127.0.0.1", 0))
            // Long enough that the drained agent-b still shows DRAINING, not UNHEALTHY, however
            // long a loaded machine takes to start Chromium after it closed.
            .heartbeatTimeout(Duration.ofSeconds(60))
            .dashboard("127.0.0.1", 0)
            .build()
            .start()) {
      Agent a = agent(coordinator, "agent-a");
      Agent b = agent(coordinator, "agent-b");
      try (a;
          TitanClient client = TitanClient.connect(coordinator.target())) {
        Await.until(
            "both agents healthy",
            Duration.ofSeconds(30),
            () -> coordinator.status().getHealthyAgents() >= 2);
        InferenceResult result =
            client.infer(
                InferenceRequest.newBuilder()
                    .setClientId("dashboard-it")
                    .setModel("llama3")
                    .setPrompt("Why is the sky blue?")
                    .setMaxTokens(8)
                    .build(),
                t -> {});
        String url = "http://127.0.0.1:" + coordinator.httpPort() + "/";
        // The agent reports the finished stream with its next heartbeat; wait for it in the JSON
        // feed.
        HttpClient http = HttpClient.newHttpClient();
        Await.until(
            "the finished stream reaches the coordinator",
            Duration.ofSeconds(10),
            () ->
                http.send(
                        HttpRequest.newBuilder(URI.create(url + "api/status")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains("\"outcome\":\"OK\""));
        b.close(); // agent-b drains and says so
        Thread.sleep(300); // a few more heartbeats for the charts

        String dom = chromium(url, "--dump-dom");
        assertThat(dom).contains("<h1>TitanCompute coordinator</h1>");
        assertThat(row(dom, "tr data-agent-id=\"agent-a\" data-state=\"HEALTHY\""))
            .contains("class=\"state HEALTHY\">HEALTHY</span>")
            .contains(a.endpoint())
            .contains("llama3")
            .containsPattern(
                "<svg class=\"chart\"[^>]*>.*<polyline[^>]*points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+");
        assertThat(row(dom, "tr data-agent-id=\"agent-b\" data-state=\"DRAINING\""))
            .contains(">DRAINING</span>");
        String request = row(dom, "tr data-request-id=\"" + result.requestId() + "\"");
        assertThat(request)
            .contains("dashboard-it")
            .contains(result.agentId())
            .contains(">OK<")
            .containsPattern("<td>[0-9.]+ ms</td>")
            .contains("<td>8</td>");
        assertThat(dom).contains("live ·"); // the page's own poll of /api/status succeeded

        Path png =
            Path.of(System.getProperty("titan.screenshot.dir", dir.toString()))
                .resolve("dashboard.png");
        chromium(url, "--screenshot=" + png);
        assertThat(Files.size(png)).isGreaterThan(10_000);
      }
    }
  }

  private static Agent agent(Coordinator coordinator, String id) throws Exception {
    return Agent.builder(coordinator.target(), id)
        .model("llama3")
        .capacity(2)
        .engine(InferenceEngine.demo(Duration.ofMillis(5)))
        .heartbeat(Duration.ofMillis(100))
        .build()
        .start();
  }

  /** The rendered table row that opens with {@code opening}, up to its end tag. */
  private static String row(String dom, String opening) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(opening) + ">(.*?)</tr>", Pattern.DOTALL).matcher(dom);
    assertThat(m.find()).as("row <%s> in the rendered page:%n%s", opening, dom).isTrue();
    return m.group(1);
  }
}
