package dev.switchboard.cli;

import dev.switchboard.bridge.Bridge;
import dev.switchboard.bridge.BridgeConfig;
import dev.switchboard.bridge.Secret;
import dev.switchboard.bridge.Stub;
import dev.switchboard.bridge.TransientFailureException;
import dev.switchboard.bridge.ValueException;
import dev.switchboard.bridge.Wave;
import dev.switchboard.bridge.WitJson;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import dev.switchboard.durable.Durable;
import dev.switchboard.durable.OplogEntry;
import dev.switchboard.durable.OplogStore;
import dev.switchboard.durable.UncertainCallException;
import dev.switchboard.durable.Worker;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitTypeRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "invoke",
    mixinStandardHelpOptions = true,
    header = "Call a WIT function of a Binding: a real gRPC or HTTP call, WAVE values in and out.",
    sortOptions = false,
    description = {
      "Calls FUNCTION (interface.function, or namespace:package/interface.function) through the"
          + " Binding that sb wit --binding wrote (for a proto contract, with the descriptor set"
          + " beside it). Each ARG is one WAVE value, in the order of the function's parameters;"
          + " trailing option parameters may be left out, and so may auth (a trailing parameter"
          + " or a field of the request), which --bearer-token-env or --api-key-env fills.",
      "",
      "Prints the ok value as WAVE on stdout and exits 0. An error case of switchboard:rpc/errors"
          + " (not-found, validation-error, unavailable, ...) is printed as WAVE on stdout and exits"
          + " 1. An unknown function, an argument that does not fit or an unreadable binding exits 2"
          + " with its location on stderr.",
      "",
      "With --worker and --oplog the call is the worker's next oplog entry: its result is committed"
          + " before it is printed, and a call that is not idempotent first commits an intent and"
          + " carries an idempotency key (Idempotency-Key header, idempotency-key metadata). If an"
          + " earlier run was interrupted during the call, running the same sb invoke again resumes"
          + " it with the same key; a different call there is a divergence (exit 2). Credentials"
          + " never reach the oplog."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  sb invoke --binding wit/todo/binding.json --list",
      "  sb invoke --binding wit/todo/binding.json --base-url http://localhost:4010 \\",
      "      todos-collection.create '{title: \"Buy milk\", user-id: \"u1\"}'",
      "  sb invoke --binding wit/shop/binding.json --target localhost:50051 --plaintext \\",
      "      orders.get-order '{id: \"o-1\"}'",
      "  sb invoke --binding wit/pay/binding.json --bearer-token-env PAY_TOKEN \\",
      "      --worker order-42 --oplog sqlite:data --honours-idempotency-keys \\",
      "      payments.create '{amount: 1200}'",
    })
final class InvokeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--binding",
      required = true,
      paramLabel = "FILE",
      description = "binding.json as sb wit --binding wrote it")
  Path binding = Path.of("binding.json");

  @Option(names = "--list", description = "List the functions with their WIT signatures.")
  boolean list;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description = "HTTP base URL (OpenAPI contracts; default: the document's first server)")
  @Nullable String baseUrl;

  @Option(
      names = "--target",
      paramLabel = "HOST:PORT",
      description = "gRPC server (proto contracts): host:port, unix:/path or inproc:name")
  @Nullable String target;

  @Mixin ClientTlsOptions tls = new ClientTlsOptions();

  @Option(
      names = {"-H", "--header"},
      paramLabel = "'NAME: VALUE'",
      description = "Header (HTTP) or metadata (gRPC) on the call, repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description = "The most the call may take, retries included, e.g. 500ms, 5s (default 30s).")
  @Nullable Duration deadline;

  @Option(
      names = "--bearer-token-env",
      paramLabel = "VAR",
      description = "Bearer token from this environment variable, for calls that leave auth out.")
  @Nullable String bearerTokenEnv;

  @Option(
      names = "--api-key-env",
      paramLabel = "VAR",
      description = "API key from this environment variable, for calls that leave auth out.")
  @Nullable String apiKeyEnv;

  @Option(
      names = "--json",
      description =
          "Read each ARG and print the result as JSON (the contract's own JSON) instead of WAVE.")
  boolean json;

  @ArgGroup(exclusive = false, heading = "%nDurable calls:%n")
  @Nullable DurableOptions durable;

  static final class DurableOptions {
    @Option(
        names = "--worker",
        required = true,
        paramLabel = "ID",
        description = "Make the call the next entry of this worker's oplog (needs --oplog).")
    String worker = "";

    @Option(
        names = "--oplog",
        required = true,
        paramLabel = "URL",
        description = "Where oplogs are kept: sqlite:DIR or postgresql://HOST:PORT/DB?user=...")
    String oplog = "";

    @Option(
        names = "--honours-idempotency-keys",
        description =
            "The service applies a request once per idempotency key: an interrupted call that is"
                + " not idempotent is resumed with its key instead of being reported uncertain.")
    boolean honoursKeys;

    @Option(
        names = "--sensitive-field",
        paramLabel = "NAME",
        description = "A WIT field whose values never reach the oplog (repeatable).")
    List<String> sensitiveFields = new ArrayList<>();

    @Option(
        names = "--retry-uncertain",
        description =
            "Send an interrupted call that is not known to be safe to repeat once more, with its"
                + " recorded key, accepting that a service which ignores the key may apply it"
                + " twice.")
    boolean retryUncertain;
  }

  @Parameters(index = "0", arity = "0..1", paramLabel = "FUNCTION", description = "The function")
  @Nullable String function;

  @Parameters(
      index = "1..*",
      paramLabel = "ARG",
      description = "One WAVE value (or JSON with --json) per parameter")
  List<String> args = new ArrayList<>();

  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WitTypes types = types(binding);
    if (list) {
      if (function != null) {
        throw new BadInputException("--list takes no FUNCTION (got " + function + ")");
      }
      for (WitTypes.Function f : types.functions()) {
        out.println(WitTypes.signature(f));
      }
      out.flush();
      return ExitCode.OK;
    }
    String name = function;
    if (name == null) {
      throw new BadInputException(
          "FUNCTION is missing (sb invoke --binding FILE --list names them)");
    }
    WitTypes.Function f = located(() -> types.function(name));
    refuseStreams(f);
    List<WitValue> arguments = located(() -> arguments(types, f));
    BridgeConfig config = config(types);
    DurableOptions d = durable;
    WitValue.ResultValue result;
    if (d == null) {
      try (Stub stub = Bridge.open(types, config)) {
        result = located(() -> stub.invoke(f.name(), arguments));
      }
    } else {
      Optional<WitValue.ResultValue> recorded = durably(d, types, config, f, arguments, err);
      if (recorded.isEmpty()) {
        return ExitCode.FAILED;
      }
      result = recorded.get();
    }
    print(types, f, result, out);
    return result.isOk() ? ExitCode.OK : ExitCode.FAILED;
  }

  /** The call as the worker's next oplog entry; empty when it failed and was reported. */
  private Optional<WitValue.ResultValue> durably(
      DurableOptions d,
      WitTypes types,
      BridgeConfig config,
      WitTypes.Function f,
      List<WitValue> arguments,
      PrintWriter err)
      throws BadInputException {
    BridgeConfig.Builder durableConfig = config.toBuilder().honoursIdempotencyKeys(d.honoursKeys);
    d.sensitiveFields.forEach(durableConfig::sensitiveField);
    try (OplogStore store = OplogCommand.store(d.oplog);
        Durable open = Durable.open(store);
        Worker worker = open.worker(d.worker)) {
      worker.fastForward();
      Optional<OplogEntry> interrupted = worker.openIntent();
      if (d.retryUncertain) {
        if (interrupted.isEmpty()) {
          throw new BadInputException(
              "--retry-uncertain: worker " + d.worker + " has no interrupted call to retry");
        }
        worker.retry(interrupted.get().sequence());
      }
      WitValue.ResultValue result;
      try (Stub stub = Bridge.open(types, durableConfig.build(), worker)) {
        result = located(() -> stub.invoke(f.name(), arguments));
      }
      if (interrupted.isPresent()) {
        err.println(
            "worker "
                + d.worker
                + ": resumed the interrupted call "
                + interrupted.get().describe()
                + " with its idempotency key "
                + interrupted.get().idempotencyKey());
      }
      return Optional.of(result);
    } catch (TransientFailureException e) {
      print(types, f, e.result(), spec.commandLine().getOut());
      err.println(e.getMessage());
      return Optional.empty();
    } catch (UncertainCallException e) {
      err.println(e.getMessage());
      err.println(
          "Find out from the service whether it took effect. To send it once more with key "
              + e.idempotencyKey()
              + ", run the same sb invoke again with --retry-uncertain (a service that ignores the"
              + " key may then apply it twice).");
      return Optional.empty();
    }
  }

  /** The ok value or the error case, as WAVE or (with --json) the contract's JSON. */
  private void print(
      WitTypes types, WitTypes.Function f, WitValue.ResultValue result, PrintWriter out) {
    if (json) {
      out.println(WitJson.of(types).printResult(f, result));
      out.flush();
      return;
    }
    WitValue payload = result.payload();
    if (payload != null) {
      out.println(Wave.print(payload));
    }
    out.flush();
  }

  /** The arguments, read as WAVE or JSON, checked against the parameters' types. */
  private List<WitValue> arguments(WitTypes types, WitTypes.Function f) {
    if (!json) {
      return Wave.parseArguments(types, f, args);
    }
    WitJson reader = WitJson.of(types);
    List<WitField> params = f.function().params();
    if (args.size() > params.size()) {
      throw new ValueException(
          f.name(),
          "takes "
              + params.size()
              + " argument(s) ("
              + WitTypes.signature(f)
              + "), got "
              + args.size());
    }
    List<WitValue> out = new ArrayList<>();
    List<ValueException.Problem> problems = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      WitField p = params.get(i);
      WitTypeRef type = p.type();
      if (type == null) {
        throw new IllegalStateException("parameter " + p.name() + " has no type");
      }
      if (i >= args.size()) {
        if (p.role() == WitField.Role.AUTH && i == params.size() - 1) {
          break; // the stub fills it, as Wave.parseArguments leaves it to do
        }
        if (type.kind() == WitTypeRef.Kind.OPTION) {
          out.add(WitValue.none());
          continue;
        }
        throw new ValueException(
            p.name(),
            "missing argument of type "
                + WitTypes.describe(type)
                + " ("
                + WitTypes.signature(f)
                + ")");
      }
      try {
        out.add(reader.parse(type, args.get(i)));
      } catch (ValueException e) {
        for (ValueException.Problem problem : e.problems()) {
          problems.add(
              new ValueException.Problem(at(p.name(), problem.where()), problem.message()));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ValueException(problems);
    }
    return out;
  }

  /**
   * The Binding's types, read as sb wit --binding wrote them; a file that will not do is exit 2.
   */
  static WitTypes types(Path bindingFile) throws BadInputException {
    try {
      return WitTypes.read(bindingFile);
    } catch (NoSuchFileException e) {
      throw new BadInputException("--binding " + bindingFile + ": no such file");
    } catch (IOException e) {
      throw new BadInputException("--binding " + located(bindingFile, e.getMessage()));
    } catch (ContractException e) {
      List<String> lines = new ArrayList<>();
      for (ContractProblem p : e.problems()) {
        lines.add("--binding " + bindingFile + ": " + p);
      }
      throw new BadInputException(lines);
    }
  }

  private static final Pattern JSON_LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

  /**
   * {@code FILE:LINE:COLUMN: message} from a JSON parser's message, which ends with the location of
   * the problem (after the parser's view of its source) and may quote other locations before.
   */
  private static String located(Path file, @Nullable String message) {
    String text = message == null ? "cannot be read" : message;
    String first = text.lines().findFirst().orElse(text);
    int source = first.indexOf(" (start marker at [Source");
    if (source >= 0) {
      first = first.substring(0, source);
    }
    Matcher at = JSON_LOCATION.matcher(text);
    String where = null;
    while (at.find()) {
      where = at.group(1) + ":" + at.group(2);
    }
    return where == null ? file + ": " + first : file + ":" + where + ": " + first;
  }

  /** What the flags configure; a flag that does not fit the contract is exit 2. */
  private BridgeConfig config(WitTypes types) throws BadInputException {
    BridgeConfig.Builder config = BridgeConfig.builder();
    boolean grpc = types.binding().source() == Binding.Source.PROTO;
    if (grpc) {
      if (baseUrl != null) {
        throw new BadInputException(
            "--base-url is for HTTP; " + binding + " is a gRPC contract: give --target HOST:PORT");
      }
      String text = target;
      if (text == null) {
        throw new BadInputException(
            "--target HOST:PORT is required: " + binding + " is a gRPC contract");
      }
      Target parsed = TargetConverter.parse("--target", text);
      Optional<TlsConfig> security = tls.forTarget(parsed);
      config.target(text);
      if (security.isPresent()) {
        config.tls(security.get());
      } else {
        config.plaintext();
      }
    } else {
      if (target != null) {
        throw new BadInputException(
            "--target is for gRPC; " + binding + " is an HTTP contract: give --base-url URL");
      }
      URI base = baseUrl == null ? null : baseUri(baseUrl);
      if (base != null) {
        config.baseUrl(base);
      }
      boolean https = base == null || "https".equalsIgnoreCase(base.getScheme());
      if (https) {
        // The host only decides the default (plaintext for loopback); the URL's scheme rules.
        String host = base == null || base.getHost() == null ? "server" : base.getHost();
        Optional<TlsConfig> security = tls.forTarget(Target.tcp(host, 443));
        if (security.isPresent()) {
          config.tls(security.get());
        } else if (tls.plaintext && base != null) {
          throw new BadInputException("--plaintext: the base URL " + baseUrl + " is https");
        }
      } else if (tls.cacert != null || tls.cert != null) {
        throw new BadInputException("--cacert and --cert need an https base URL, not " + baseUrl);
      }
    }
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new BadInputException("-H '" + header + "': write a header as 'Name: value'");
      }
      config.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    Duration d = deadline;
    if (d != null) {
      config.timeout(d);
    }
    String bearer = bearerTokenEnv;
    if (bearer != null) {
      config.bearerToken(Secret.fromEnv(bearer));
    }
    String apiKey = apiKeyEnv;
    if (apiKey != null) {
      config.apiKey(Secret.fromEnv(apiKey));
    }
    return config.build();
  }

  private static URI baseUri(String text) throws BadInputException {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null
          || !(uri.getScheme().equalsIgnoreCase("http")
              || uri.getScheme().equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        throw new BadInputException(
            "--base-url '" + text + "': expected http://HOST[:PORT][/PATH] or https://...");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new BadInputException("--base-url '" + text + "': " + e.getMessage());
    }
  }

  /**
   * A streaming method returns a stream resource, whose items a single command line cannot take and
   * give back one by one; sb call handles streams on gRPC.
   */
  private static void refuseStreams(WitTypes.Function f) throws BadInputException {
    WitTypeRef ok = f.function().ok();
    if (f.resource() != null || ok != null && ok.kind() == WitTypeRef.Kind.OWN) {
      throw new BadInputException(
          f.name()
              + " is part of a stream, which sb invoke does not drive; call the method with sb"
              + " call, which reads and prints streams as newline-delimited JSON");
    }
  }

  /** What a value, function or call reported as not fitting: each problem on its own line. */
  interface ValueWork<T> {
    T get();
  }

  static <T> T located(ValueWork<T> work) throws BadInputException {
    try {
      return work.get();
    } catch (ValueException e) {
      List<String> lines = new ArrayList<>();
      for (ValueException.Problem p : e.problems()) {
        lines.add(p.toString());
      }
      throw new BadInputException(lines);
    }
  }

  private static String at(String param, String where) {
    if (where.isEmpty()) {
      return param;
    }
    return where.startsWith("(") || where.startsWith("[") ? param + where : param + "." + where;
  }
}
