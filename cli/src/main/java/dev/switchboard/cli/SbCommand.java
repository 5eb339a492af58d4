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
    description = "Switchboard: list, describe, call and health-check any gRPC server.",
    subcommands = {
      ListCommand.class,
      DescribeCommand.class,
      CallCommand.class,
      HealthCommand.class,
      WitCommand.class,
      PluginCommand.class,
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
