package dev.switchboard.titancompute;

import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.client.StatusTable;
import dev.switchboard.titancompute.client.TitanClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Print the coordinator's agents as a table.",
    footer = {
      "",
      "TLS: --cacert (and --cert/--key for mTLS); default plaintext.",
      "  titan status --coordinator localhost:50051 --cacert ca.pem"
    })
final class StatusCommand implements Callable<Integer> {
  @ParentCommand private TitanCommand root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--coordinator",
      required = true,
      paramLabel = "HOST:PORT",
      description = "The coordinator.")
  private String coordinator;

  @Mixin private TlsOptions.Client tls;

  @Override
  public Integer call() {
    Target target;
    try {
      target = Target.parse(coordinator);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--coordinator: " + e.getMessage());
    }
    TitanClient.Builder clientBuilder = TitanClient.builder(target);
    tls.config().ifPresent(clientBuilder::tls);
    try (TitanClient client = clientBuilder.build()) {
      root.out.print(StatusTable.format(client.status()));
      root.out.flush();
    }
    return TitanMain.EXIT_OK;
  }
}
