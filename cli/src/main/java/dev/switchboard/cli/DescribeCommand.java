package dev.switchboard.cli;

import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.switchboard.contract.ContractSet;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    header = "Show a service, method, message or enum as .proto source.",
    sortOptions = false,
    description =
        "Describe a service, method, message or enum as .proto source. "
            + "Without SYMBOL, describe every service of the server (or of the --proto/--protoset files).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sb describe --plaintext localhost:50051 shop.v1.Orders",
      "  sb describe --plaintext localhost:50051 shop.v1.Order",
      "  sb describe --plaintext localhost:50051 shop.v1.Orders.GetOrder",
      "  sb describe --protoset orders.protoset localhost:50051 shop.v1.Order.Status",
      "  sb describe --proto shop/v1/orders.proto -I protos shop.v1.Order   (no server needed)",
    })
final class DescribeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..2",
      paramLabel = "[TARGET] [SYMBOL]",
      description =
          "host:port, unix:/path or inproc:name, then optionally the full name of a service, method "
              + "(pkg.Service.Method), message, enum or field. TARGET may be left out when --proto or "
              + "--protoset gives the contract.")
  List<String> operands = new ArrayList<>();

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin ContractOptions contract = new ContractOptions();
  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Operands given = Operands.of(operands, contract.fromFiles(), "SYMBOL");
    try (Connection open = Connection.openIfGiven(given.target(), connection)) {
      Contracts contracts =
          new Contracts(contract, open == null ? null : open.channel(), connection.deadline);
      String symbol = given.symbol();
      if (symbol == null) {
        ContractSet set = contracts.all();
        for (ServiceDescriptor service : set.services()) {
          out.print(ProtoSource.describe(service));
        }
      } else {
        String name = symbol.replace('/', '.');
        GenericDescriptor found = contracts.containing(name).requireSymbol(name);
        out.print(ProtoSource.describe(found));
      }
    }
    out.flush();
    return ExitCode.OK;
  }
}
