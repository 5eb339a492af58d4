package dev.switchboard.cli.titan;

import dev.switchboard.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root of {@code bin/titan}. */
@Command(
    name = "titan",
    mixinStandardHelpOptions = true,
    version = "titan 0.1.0",
    synopsisSubcommandLabel = "COMMAND",
    description = "TitanCompute: distributed LLM inference on Switchboard.",
    subcommands = {
      DemoCommand.class,
      CoordinatorCommand.class,
      AgentCommand.class,
      InferCommand.class,
      StatusCommand.class,
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      ExitCode.HELP_OK,
      ExitCode.HELP_FAILED,
      ExitCode.HELP_BAD_INPUT,
      ExitCode.HELP_INTERNAL,
      "",
      "Examples:",
      "  titan demo",
      "  titan coordinator --port 50051 --http-port 8080",
      "  titan agent --coordinator 127.0.0.1:50051 --agent-id gpu-1 --model llama3 --engine ollama",
      "  titan infer --coordinator 127.0.0.1:50051 --model llama3 --prompt Hello",
    })
final class TitanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.BAD_INPUT;
  }
}
