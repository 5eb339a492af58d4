package dev.switchboard.cli.titan;

import dev.switchboard.cli.BadInputException;
import dev.switchboard.cli.ClientTlsOptions;
import dev.switchboard.cli.DurationConverter;
import dev.switchboard.cli.ExitCode;
import dev.switchboard.cli.LogOptions;
import dev.switchboard.cli.ServerTlsOptions;
import dev.switchboard.cli.TargetConverter;
import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.agent.Agent;
import dev.switchboard.titancompute.agent.InferenceEngine;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Run an agent: register with the coordinator, heartbeat, serve StreamInference.",
    footer = {
      "",
      "TLS: --tls-cert/--tls-key (and --client-ca for mTLS) secure the AgentService",
      "this agent serves; the certificate must name the advertised host",
      "(--advertise-host), which clients dial. --cacert (and --cert/--key) secure",
      "its own link to the coordinator; a loopback coordinator is dialled in plaintext",
      "without them, any other over TLS with the JDK's trust store.",
      "",
      "Examples:",
      "  titan agent --coordinator 127.0.0.1:50051 --agent-id gpu-1 --model llama3 --engine ollama",
      "  titan agent --coordinator 127.0.0.1:50051 --agent-id a1 --model llama3 \\",
      "      --tls-cert agent.pem --tls-key agent.key --cacert ca.pem"
    })
final class AgentCommand implements Callable<Integer> {
  enum EngineKind {
    DEMO,
    OLLAMA,
    OPENAI
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--coordinator",
      paramLabel = "HOST:PORT",
      converter = TargetConverter.class,
      description = "The coordinator (default ${DEFAULT-VALUE}).")
  Target coordinator = TitanDefaults.COORDINATOR;

  @Option(
      names = "--agent-id",
      required = true,
      paramLabel = "ID",
      description = "This agent's unique id.")
  String agentId = "";

  @Option(
      names = "--model",
      required = true,
      arity = "1..*",
      paramLabel = "NAME",
      description = "Models served.")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      description = "demo, ollama or openai (default demo).")
  EngineKind engine = EngineKind.DEMO;

  @Option(
      names = "--engine-url",
      paramLabel = "URL",
      description =
          "Base URL of the engine (default: http://127.0.0.1:11434 for ollama, http://127.0.0.1:8000"
              + " for openai).")
  @Nullable String engineUrl;

  @Option(names = "--port", description = "gRPC port (default: any free port).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "HOST",
      description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String bind = "127.0.0.1";

  @Option(
      names = "--advertise-host",
      paramLabel = "HOST",
      description =
          "Host clients use to reach this agent (default: --bind, or 127.0.0.1 for 0.0.0.0).")
  @Nullable String advertiseHost;

  @Option(
      names = "--heartbeat",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description = "Heartbeat interval (default 1s).")
  Duration heartbeat = Duration.ofSeconds(1);

  @Option(
      names = "--capacity",
      paramLabel = "N",
      description = "Streams run at once (default ${DEFAULT-VALUE}).")
  int capacity = 4;

  @Option(
      names = "--demo-delay",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Demo engine: pause per token (default 30ms; 0ms for none).")
  Duration demoDelay = Duration.ofMillis(30);

  @Mixin ServerTlsOptions tls = new ServerTlsOptions();
  @Mixin ClientTlsOptions coordinatorTls = new ClientTlsOptions();
  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    String advertised =
        advertiseHost != null ? advertiseHost : bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
    Agent.Builder builder =
        Agent.builder(coordinator, agentId)
            .listen(Target.tcp(bind, port))
            .advertiseHost(advertised)
            .engine(engine())
            .heartbeat(heartbeat)
            .capacity(capacity);
    models.forEach(builder::model);
    tls.config().ifPresent(builder::tls);
    coordinatorTls.forTarget(coordinator).ifPresent(builder::coordinatorTls);
    Agent agent = builder.build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "titan-agent-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "agent "
            + agentId
            + " listening on "
            + agent.endpoint()
            + " serving "
            + String.join(", ", models)
            + " with the "
            + engine.name().toLowerCase(Locale.ROOT)
            + " engine");
    out.flush();
    stopped.await();
    return ExitCode.OK;
  }

  private InferenceEngine engine() throws BadInputException {
    return switch (engine) {
      case DEMO -> InferenceEngine.demo(demoDelay);
      case OLLAMA -> InferenceEngine.ollama(url("http://127.0.0.1:11434"));
      case OPENAI ->
          InferenceEngine.openAi(url("http://127.0.0.1:8000"), System.getenv("OPENAI_API_KEY"));
    };
  }

  private URI url(String fallback) throws BadInputException {
    String value = engineUrl != null ? engineUrl : fallback;
    try {
      URI uri = URI.create(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("scheme must be http or https");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          "--engine-url: '" + value + "' is not an http(s) URL: " + e.getMessage());
    }
  }
}
