package dev.switchboard.cli;

import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.switchboard.contract.ContractSet;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
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
    description = "Describe a service, method, message or enum as .proto source. "
        + "Without SYMBOL, describe every service of the server.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sb describe --plaintext localhost:50051 shop.v1.Orders",
        "  sb describe --plaintext localhost:50051 shop.v1.Order",
        "  sb describe --plaintext localhost:50051 shop.v1.Orders.GetOrder",
        "  sb describe --protoset orders.protoset localhost:50051 shop.v1.Order.Status",
    })
final class DescribeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TARGET", description = "host:port, unix:/path or inproc:name")
  String target = "";

  @Parameters(index = "1", arity = "0..1", paramLabel = "SYMBOL",
      description = "Full name of a service, method (pkg.Service.Method), message, enum or field.")
  @Nullable String symbol;

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin ContractOptions contract = new ContractOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Connection open = Connection.open(target, connection)) {
      Contracts contracts = new Contracts(contract, open.channel(), connection.deadline);
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
