package dev.switchboard.titancompute;

import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.agent.Agent;
import dev.switchboard.titancompute.agent.InferenceEngine;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Run an agent: register with the coordinator, heartbeat, serve StreamInference.",
    footer = {
      "",
      "TLS: --tls-cert/--tls-key (and --client-ca for mTLS) secure the AgentService",
      "this agent serves; the certificate must name the advertised host",
      "(--advertise-host), which clients dial. --cacert (and --cert/--key) secure",
      "its own link to the coordinator. Both default to plaintext.",
      "  titan agent --coordinator 127.0.0.1:50051 --agent-id a1 --model llama3 \\",
      "      --tls-cert agent.pem --tls-key agent.key --cacert ca.pem"
    })
final class AgentCommand implements Callable<Integer> {
  enum EngineKind {
    demo,
    ollama,
    openai
  }

  @ParentCommand private TitanCommand root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--coordinator",
      required = true,
      paramLabel = "HOST:PORT",
      description = "The coordinator.")
  private String coordinator;

  @Option(names = "--port", defaultValue = "0", description = "gRPC port (default: any free port).")
  private int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}).")
  private String bind;

  @Option(
      names = "--advertise-host",
      description =
          "Host clients use to reach this agent (default: --bind, or 127.0.0.1 for 0.0.0.0).")
  private String advertiseHost;

  @Option(names = "--agent-id", required = true, description = "This agent's unique id.")
  private String agentId;

  @Option(
      names = "--model",
      required = true,
      arity = "1..*",
      paramLabel = "NAME",
      description = "Models served.")
  private List<String> models;

  @Option(
      names = "--engine",
      defaultValue = "demo",
      description = "demo, ollama or openai (default ${DEFAULT-VALUE}).")
  private EngineKind engine;

  @Option(
      names = "--engine-url",
      description =
          "Base URL of the engine (default: http://127.0.0.1:11434 for ollama, http://127.0.0.1:8000 for openai).")
  private String engineUrl;

  @Option(
      names = "--heartbeat",
      converter = DurationConverter.class,
      defaultValue = "1s",
      description = "Heartbeat interval (default ${DEFAULT-VALUE}).")
  private Duration heartbeat;

  @Option(
      names = "--capacity",
      defaultValue = "4",
      description = "Streams run at once (default ${DEFAULT-VALUE}).")
  private int capacity;

  @Mixin private TlsOptions.Server tls;

  @Mixin private TlsOptions.Client coordinatorTls;

  @Option(
      names = "--demo-delay",
      converter = DurationConverter.class,
      defaultValue = "30ms",
      description = "Demo engine: pause per token (default ${DEFAULT-VALUE}).")
  private Duration demoDelay;

  @Override
  public Integer call() throws Exception {
    Target coordinatorTarget;
    try {
      coordinatorTarget = Target.parse(coordinator);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--coordinator: " + e.getMessage());
    }
    Agent.Builder builder =
        Agent.builder(coordinatorTarget, agentId)
            .listen(Target.tcp(bind, port))
            .advertiseHost(
                advertiseHost != null ? advertiseHost : bind.equals("0.0.0.0") ? "127.0.0.1" : bind)
            .engine(engine())
            .heartbeat(heartbeat)
            .capacity(capacity);
    models.forEach(builder::model);
    tls.config().ifPresent(builder::tls);
    coordinatorTls.config().ifPresent(builder::coordinatorTls);
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
    root.out.println(
        "agent "
            + agentId
            + " listening on "
            + agent.endpoint()
            + " serving "
            + String.join(", ", models)
            + " with the "
            + engine
            + " engine");
    root.out.flush();
    stopped.await();
    return TitanMain.EXIT_OK;
  }

  private InferenceEngine engine() {
    return switch (engine) {
      case demo -> InferenceEngine.demo(demoDelay);
      case ollama -> InferenceEngine.ollama(url("http://127.0.0.1:11434"));
      case openai ->
          InferenceEngine.openAi(url("http://127.0.0.1:8000"), System.getenv("OPENAI_API_KEY"));
    };
  }

  private URI url(String fallback) {
    String value = engineUrl != null ? engineUrl : fallback;
    try {
      URI uri = URI.create(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("scheme must be http or https");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--engine-url: '" + value + "' is not an http(s) URL: " + e.getMessage());
    }
  }
}
