package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {
  @Test
  void everySubcommandHasHelpWithExamples() {
    Map<String, CommandLine> subcommands =
        Sb.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
            .getSubcommands();

    assertThat(subcommands).containsKeys("list", "describe", "call", "health");
    subcommands.forEach(
        (name, command) -> {
          if (name.equals("help")) {
            return;
          }
          SbRun run = SbRun.run(name, "--help");
          assertThat(run.exit()).as(name).isZero();
          assertThat(run.out())
              .as(name)
              .startsWith(command.getCommandSpec().usageMessage().header()[0])
              .contains("Usage: sb " + name)
              .containsPattern("(?s)\nExamples:\n  sb " + name + " ");
        });
  }

  @Test
  void everyMsgVerbHasHelpWithExamples() {
    CommandLine msg =
        Sb.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
            .getSubcommands()
            .get("msg");
    Map<String, CommandLine> verbs = new java.util.TreeMap<>(msg.getSubcommands());
    verbs.remove("queue");
    msg.getSubcommands()
        .get("queue")
        .getSubcommands()
        .forEach((name, verb) -> verbs.put("queue " + name, verb));

    assertThat(verbs)
        .containsKeys(
            "pub", "sub", "request", "reply", "queue push", "queue pull", "broadcast", "notify");
    verbs.forEach(
        (name, command) -> {
          List<String> args = new java.util.ArrayList<>(List.of("msg"));
          args.addAll(List.of(name.split(" ")));
          args.add("--help");
          SbRun run = SbRun.run(args.toArray(String[]::new));
          assertThat(run.exit()).as(name).isZero();
          assertThat(run.out())
              .as(name)
              .startsWith(command.getCommandSpec().usageMessage().header()[0])
              .contains("Usage: sb msg " + name, "--hub=ADDRESS")
              .containsPattern("(?s)\nExamples:\n  sb msg " + name.split(" ")[0] + " ");
        });
  }

  @Test
  void rootHelpListsEveryCommandAndTheExitCodes() {
    SbRun run = SbRun.run("--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .contains("list", "describe", "call", "health", "hub", "msg", "Exit codes:");
  }
}
