package dev.switchboard.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

  @Mixin CallOptions request = new CallOptions();
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin ContractOptions contract = new ContractOptions();
  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Connection open = Connection.open(target, connection)) {
      if (connection.verbose) {
        open.printRequestMetadata(err);
        err.flush();
      }
      Contracts contracts = new Contracts(contract, open.channel(), connection.deadline);
      return request.call(
          open.channel(),
          contracts,
          method,
          connection.deadline,
          out,
          connection.verbose ? err : null);
    }
  }
}
