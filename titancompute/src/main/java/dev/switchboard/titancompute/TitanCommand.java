package dev.switchboard.titancompute;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The root of {@code bin/titan}. */
@Command(
    name = "titan",
    mixinStandardHelpOptions = true,
    version = "titan 0.1.0",
    description = "TitanCompute: distributed LLM inference on Switchboard.",
    subcommands = {
      DemoCommand.class,
      CoordinatorCommand.class,
      AgentCommand.class,
      InferCommand.class,
      StatusCommand.class,
    })
final class TitanCommand implements Callable<Integer> {
  final PrintWriter out;
  final PrintWriter err;

  TitanCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    err.println(
        "usage: titan demo | coordinator | agent | infer | status   (titan --help for details)");
    return TitanMain.EXIT_USAGE;
  }
}
