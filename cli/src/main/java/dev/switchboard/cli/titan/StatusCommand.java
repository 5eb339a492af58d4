package dev.switchboard.cli.titan;

import dev.switchboard.cli.ClientTlsOptions;
import dev.switchboard.cli.ExitCode;
import dev.switchboard.cli.LogOptions;
import dev.switchboard.cli.TargetConverter;
import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.client.StatusTable;
import dev.switchboard.titancompute.client.TitanClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Print the coordinator's agents as a table.",
    footer = {
      "",
      "TLS: loopback coordinators are dialled in plaintext, others over TLS with the JDK's",
      "trust store, unless --plaintext or --cacert (and --cert/--key for mTLS) say otherwise.",
      "",
      "Examples:",
      "  titan status --coordinator 127.0.0.1:50051",
      "  titan status --coordinator coordinator.example.com:50051 --cacert ca.pem"
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--coordinator",
      paramLabel = "HOST:PORT",
      converter = TargetConverter.class,
      description = "The coordinator (default ${DEFAULT-VALUE}).")
  Target coordinator = TitanDefaults.COORDINATOR;

  @Mixin ClientTlsOptions tls = new ClientTlsOptions();
  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    TitanClient.Builder clientBuilder = TitanClient.builder(coordinator);
    tls.forTarget(coordinator).ifPresent(clientBuilder::tls);
    PrintWriter out = spec.commandLine().getOut();
    try (TitanClient client = clientBuilder.build()) {
      out.print(StatusTable.format(client.status()));
      out.flush();
    }
    return ExitCode.OK;
  }
}
