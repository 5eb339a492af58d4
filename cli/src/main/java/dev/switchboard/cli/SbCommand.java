package dev.switchboard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root command. To add a subcommand, write it as its own class in this package and add it to
 * {@code subcommands} below (one line); docs/cli.md says which mixins to use.
 */
@Command(
    name = "sb",
    mixinStandardHelpOptions = true,
    versionProvider = SbVersion.class,
    synopsisSubcommandLabel = "COMMAND",
    description =
        "Switchboard: list, describe, call and health-check any gRPC server; run a messaging hub"
            + " and send and receive messages.",
    subcommands = {
      ListCommand.class,
      DescribeCommand.class,
      CallCommand.class,
      HealthCommand.class,
      WitCommand.class,
      PluginCommand.class,
      HubCommand.class,
      MsgCommand.class,
      HelpCommand.class,
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      ExitCode.HELP_OK,
      ExitCode.HELP_FAILED,
      ExitCode.HELP_BAD_INPUT,
      ExitCode.HELP_INTERNAL,
      "",
      "Examples:",
      "  sb list --plaintext localhost:50051",
      "  sb call --plaintext localhost:50051 shop.v1.Orders/GetOrder -d '{\"id\": \"o-1\"}'",
      "  sb hub --port 4222 --data hub-data",
      "  sb msg pub --hub localhost:4222 orders.eu -d '{\"id\": 7}'",
      "  sb help call",
    })
final class SbCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.BAD_INPUT;
  }
}
