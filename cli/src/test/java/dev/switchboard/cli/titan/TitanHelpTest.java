package dev.switchboard.cli.titan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** titan's help: every command has one with examples, and usage errors point to it. */
class TitanHelpTest {
  private record Run(int exit, String out, String err) {}

  private static Run titan(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Titan.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void everyCommandHasHelpWithExamplesAndTheSharedFlags() {
    for (String name : new CommandLine(new TitanCommand()).getSubcommands().keySet()) {
      Run run = titan(name, "--help");
      assertThat(run.exit()).as(name).isZero();
      assertThat(run.out())
          .as(name)
          .contains("Usage: titan " + name)
          .contains("--debug-log")
          .containsPattern("(?s)\nExamples:\n  titan " + name);
    }
  }

  @Test
  void rootHelpListsTheCommandsAndTheExitCodes() {
    Run run = titan("--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .contains("demo", "coordinator", "agent", "infer", "status")
        .contains("Exit codes:", ExitCode.HELP_FAILED);
  }

  @Test
  void usageErrorsNameTheOptionAndTheHelp() {
    Run missing = titan("infer", "--model", "m");
    Run badDuration = titan("coordinator", "--heartbeat-timeout", "soon");
    Run badTarget = titan("status", "--coordinator", "nowhere");
    Run noCommand = titan();

    assertThat(missing.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(missing.err())
        .startsWith("titan: Missing required option: '--prompt=TEXT'")
        .contains("Try 'titan infer --help' for usage and examples.");
    assertThat(badDuration.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(badDuration.err()).contains("'soon' is not a duration");
    assertThat(badTarget.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(badTarget.err())
        .startsWith("titan: Invalid value for option '--coordinator': target 'nowhere'");
    assertThat(noCommand.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(noCommand.err()).contains("Usage: titan");
  }
}
