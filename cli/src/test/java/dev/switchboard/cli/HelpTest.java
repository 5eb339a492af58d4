package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
  void rootHelpListsEveryCommandAndTheExitCodes() {
    SbRun run = SbRun.run("--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("list", "describe", "call", "health", "Exit codes:");
  }
}
