package dev.switchboard.titancompute.client;

import dev.switchboard.titancompute.v1.AgentInfo;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.SystemMetrics;
import dev.switchboard.titancompute.v1.SystemStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats a {@link SystemStatus} as a plain-text table for terminals. */
public final class StatusTable {
  private static final String[] HEADERS = {
    "AGENT", "STATE", "ENDPOINT", "MODELS", "ENGINE", "STREAMS", "QUEUE", "CPU", "MEMORY", "RTT"
  };

  private StatusTable() {}

  public static String format(SystemStatus status) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (AgentInfo agent : status.getAgentsList()) {
      SystemMetrics m = agent.getMetrics();
      rows.add(
          new String[] {
            agent.getAgentId(),
            state(agent.getState()),
            agent.getEndpoint(),
            String.join(",", agent.getModelsList()),
            agent.getEngine(),
            m.getActiveStreams() + "/" + agent.getCapacity(),
            String.valueOf(m.getQueueDepth()),
            String.format(Locale.ROOT, "%.0f%%", m.getCpuPercent()),
            m.getMemoryTotalBytes() == 0
                ? "-"
                : String.format(
                    Locale.ROOT,
                    "%.1f/%.1f GiB",
                    m.getMemoryUsedBytes() / 1073741824.0,
                    m.getMemoryTotalBytes() / 1073741824.0),
            agent.getRttMs() > 0 ? String.format(Locale.ROOT, "%.2f ms", agent.getRttMs()) : "-",
          });
    }
    int[] widths = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i] + 2));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    if (status.getAgentsCount() == 0) {
      out.append("(no agents registered)\n");
    }
    out.append(
        String.format(
            Locale.ROOT,
            "agents: %d, healthy: %d, active streams: %d, queued: %d, models: %s, requests routed: %d%n",
            status.getTotalAgents(),
            status.getHealthyAgents(),
            status.getTotalActiveStreams(),
            status.getTotalQueueDepth(),
            status.getServedModelsCount() == 0
                ? "(none)"
                : String.join(", ", status.getServedModelsList()),
            status.getRequestsRouted()));
    return out.toString();
  }

  /** The state without the enum prefix: HEALTHY, DEGRADED, UNHEALTHY, DRAINING. */
  public static String state(AgentState state) {
    String name = state.name();
    return name.startsWith("AGENT_STATE_") ? name.substring("AGENT_STATE_".length()) : name;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
