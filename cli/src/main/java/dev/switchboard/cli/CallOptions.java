package dev.switchboard.cli;

import com.google.protobuf.Descriptors.MethodDescriptor;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.runtime.DynamicClient;
import io.grpc.Channel;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code -d} and {@code --emit-defaults}, and the one way a command makes a call: {@link #call}
 * finds the method in the contract, reads the requests from {@code -d} and prints the responses as
 * newline-delimited JSON, in any call shape. {@code sb call} runs it on a channel to TARGET, {@code
 * sb plugin call} on the channel to a plugin it launched; a new command that calls a method does
 * the same, with this class as its {@code @Mixin}.
 */
final class CallOptions {
  @Option(
      names = {"-d", "--data"},
      paramLabel = "JSON|@FILE|@-",
      description =
          "Request message(s): inline JSON, @FILE, or @- for stdin. Several messages are "
              + "written one after another, one per line.")
  @Nullable String data;

  @Option(
      names = "--emit-defaults",
      description = "Also print fields that hold their default value.")
  boolean emitDefaults;

  /** Where {@code -d @-} reads from; {@code Sb.run} sets it, so in-process tests can feed it. */
  InputStream stdin = System.in;

  /**
   * Calls {@code method} on {@code channel} and prints the responses to {@code out}.
   *
   * @param contracts where the method's contract comes from (reflection on the channel, or files)
   * @param method {@code pkg.Service/Method} (or {@code pkg.Service.Method})
   * @param deadline the call's deadline, or null for none
   * @param verbose where to print the response headers, trailers and status, or null not to
   * @return {@link ExitCode#OK}; a failed call throws what {@code Failures} maps to its exit code
   */
  int call(
      Channel channel,
      Contracts contracts,
      String method,
      @Nullable Duration deadline,
      PrintWriter out,
      @Nullable PrintWriter verbose)
      throws Exception {
    ContractSet set = contracts.containingMethod(method);
    MethodDescriptor descriptor = set.method(method);
    try (JsonInput input = data == null ? null : JsonInput.open(data, stdin)) {
      DynamicClient client = DynamicClient.on(channel);
      if (deadline != null) {
        client = client.withDeadline(deadline);
      }
      return new NdjsonCall(client, descriptor, set.json(), emitDefaults).run(input, out, verbose);
    }
  }
}
