package dev.switchboard.cli;

import com.google.protobuf.Descriptors.MethodDescriptor;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.runtime.DynamicClient;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    header = "Call a method with JSON requests; print JSON responses.",
    sortOptions = false,
    description = {
      "Call a method. Requests come from -d as JSON (protobuf JSON mapping); responses go to stdout "
          + "as JSON, one message per line.",
      "",
      "Streams are newline-delimited JSON both ways. A bidi call sends each input message as soon as "
          + "it is read while printing responses as they arrive. Without -d, unary and server-streaming "
          + "calls send an empty message and client-streaming and bidi calls send none."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  sb call --plaintext localhost:50051 shop.v1.Orders/GetOrder -d '{\"id\": \"o-1\"}'",
      "  sb call --plaintext localhost:50051 shop.v1.Orders/ImportOrders -d @orders.ndjson",
      "  tail -f events.ndjson | sb call --plaintext localhost:50051 shop.v1.Orders/Chat -d @-",
      "  sb call -H 'authorization: Bearer t0k3n' --deadline 2s --cacert ca.pem \\",
      "      api.example.com:443 grpc.health.v1.Health/Check",
      "  sb call --proto shop/v1/orders.proto -I protos --plaintext localhost:50051 \\",
      "      shop.v1.Orders/GetOrder -d '{\"id\": \"o-1\"}'",
    })
final class CallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "TARGET",
      description = "host:port, unix:/path or inproc:name")
  String target = "";

  @Parameters(
      index = "1",
      paramLabel = "METHOD",
      description = "pkg.Service/Method (or pkg.Service.Method)")
  String method = "";

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

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin ContractOptions contract = new ContractOptions();

  /** stdin, replaceable so in-process tests can feed it. */
  InputStream stdin = System.in;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Connection open = Connection.open(target, connection)) {
      Contracts contracts = new Contracts(contract, open.channel(), connection.deadline);
      ContractSet set = contracts.containingMethod(method);
      MethodDescriptor descriptor = set.method(method);
      JsonInput input = data == null ? null : JsonInput.open(data, stdin);
      try {
        DynamicClient client = DynamicClient.on(open.channel());
        if (connection.deadline != null) {
          client = client.withDeadline(connection.deadline);
        }
        if (connection.verbose) {
          open.printRequestMetadata(err);
          err.flush();
        }
        return new NdjsonCall(client, descriptor, set.json(), emitDefaults)
            .run(input, out, connection.verbose ? err : null);
      } finally {
        if (input != null) {
          input.close();
        }
      }
    }
  }
}
