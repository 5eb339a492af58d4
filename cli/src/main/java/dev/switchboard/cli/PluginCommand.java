package dev.switchboard.cli;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.switchboard.plugin.HandshakeConfig;
import dev.switchboard.plugin.PluginClient;
import dev.switchboard.plugin.PluginException;
import io.grpc.Status;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sb plugin}: launch any go-plugin plugin (Go, Python, Java), then call one of its methods
 * or list its services, and kill it cleanly. A thin shell over {@link PluginClient}.
 */
@Command(
    name = "plugin",
    mixinStandardHelpOptions = true,
    header = "Launch a go-plugin plugin and call or list it.",
    synopsisSubcommandLabel = "COMMAND",
    description =
        "Launches a HashiCorp go-plugin compatible plugin (magic cookie, version negotiation, "
            + "AutoMTLS), talks to it over gRPC, then stops it: Shutdown, grace period, SIGTERM, SIGKILL.",
    subcommands = {PluginCommand.Call.class, PluginCommand.ListServices.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sb plugin list --cmd bin/kv-plugin --magic-cookie BASIC_PLUGIN=hello",
      "  sb plugin call --cmd bin/kv-plugin --magic-cookie BASIC_PLUGIN=hello \\",
      "      proto.KV/Put -d '{\"key\": \"a\", \"value\": \"aGk=\"}'",
    })
final class PluginCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.BAD_INPUT;
  }

  /** How to launch the plugin. */
  static final class LaunchOptions {
    @Option(
        names = "--cmd",
        required = true,
        paramLabel = "\"PATH ARGS\"",
        description = "The plugin's command line, split at spaces.")
    String command = "";

    @Option(
        names = "--magic-cookie",
        required = true,
        paramLabel = "KEY=VALUE",
        description = "The handshake cookie the plugin expects, e.g. BASIC_PLUGIN=hello.")
    String cookie = "";

    @Option(
        names = "--protocol-version",
        paramLabel = "N",
        split = ",",
        description =
            "Application protocol version(s) to offer (default: 1); repeatable or comma-separated.")
    List<Integer> versions = new ArrayList<>();

    @Option(
        names = "--no-mtls",
        description = "Do not offer AutoMTLS (for plugins that predate it).")
    boolean noMtls;

    @Option(
        names = "--start-timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.Positive.class,
        description = "How long to wait for the handshake line (default: 1m).")
    @Nullable Duration startTimeout;

    @Option(
        names = "--deadline",
        paramLabel = "DURATION",
        converter = DurationConverter.Positive.class,
        description = "Deadline for the reflection lookups and the call, e.g. 500ms, 5s.")
    @Nullable Duration deadline;

    /**
     * Launches the plugin. A start failure is reported as UNAVAILABLE (exit 1); the diagnosis that
     * follows its first line (the plugin's stderr, stdout noise) goes to {@code err} first.
     */
    PluginClient start(PrintWriter err) throws BadInputException {
      String[] argv = command.trim().split("\\s+");
      if (command.isBlank()) {
        throw new BadInputException("--cmd: empty plugin command");
      }
      HandshakeConfig handshake;
      try {
        handshake = HandshakeConfig.parseCookie(cookie, versions.isEmpty() ? 1 : versions.get(0));
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--magic-cookie: " + e.getMessage());
      }
      PluginClient.Builder builder =
          PluginClient.builder(handshake).command(argv).autoMtls(!noMtls);
      if (!versions.isEmpty()) {
        builder.protocolVersions(versions.stream().mapToInt(Integer::intValue).toArray());
      }
      if (startTimeout != null) {
        builder.startTimeout(startTimeout);
      }
      try {
        return builder.build().start();
      } catch (PluginException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        if (newline >= 0) {
          err.println(message.substring(newline + 1));
          err.flush();
          message = message.substring(0, newline);
        }
        throw Status.UNAVAILABLE.withDescription(message).asRuntimeException();
      }
    }
  }

  @Command(
      name = "call",
      mixinStandardHelpOptions = true,
      header =
          "Launch a plugin, call one method with JSON requests, print JSON responses, stop it.",
      sortOptions = false,
      description =
          "Requests come from -d as JSON; responses go to stdout, one message per line "
              + "(newline-delimited JSON both ways for streams, as in sb call). The contract comes from the "
              + "plugin's server reflection unless --proto or --protoset is given.")
  static final class Call implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "METHOD",
        description = "pkg.Service/Method (or pkg.Service.Method)")
    String method = "";

    @Mixin CallOptions request = new CallOptions();
    @Mixin LaunchOptions launch = new LaunchOptions();
    @Mixin ContractOptions contract = new ContractOptions();
    @Mixin LogOptions log = new LogOptions();

    @Override
    public Integer call() throws Exception {
      try (PluginClient plugin = launch.start(spec.commandLine().getErr())) {
        Contracts contracts = new Contracts(contract, plugin.channel(), launch.deadline);
        return request.call(
            plugin.channel(),
            contracts,
            method,
            launch.deadline,
            spec.commandLine().getOut(),
            null);
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      header = "Launch a plugin, list its services (or one service's methods), stop it.",
      sortOptions = false,
      description =
          "One full name per line, through the plugin's server reflection (or --proto/--protoset).")
  static final class ListServices implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "SERVICE",
        description = "A service's full name: list its methods instead of the services.")
    @Nullable String service;

    @Mixin LaunchOptions launch = new LaunchOptions();
    @Mixin ContractOptions contract = new ContractOptions();
    @Mixin LogOptions log = new LogOptions();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (PluginClient plugin = launch.start(spec.commandLine().getErr())) {
        Contracts contracts = new Contracts(contract, plugin.channel(), launch.deadline);
        if (service == null) {
          contracts.serviceNames().forEach(out::println);
        } else {
          ServiceDescriptor found =
              contracts
                  .containing(service)
                  .service(service)
                  .orElseThrow(
                      () ->
                          new BadInputException(
                              "SERVICE " + service + ": the plugin has no such service"));
          found.getMethods().forEach(m -> out.println(m.getFullName()));
        }
      }
      out.flush();
      return ExitCode.OK;
    }
  }
}
