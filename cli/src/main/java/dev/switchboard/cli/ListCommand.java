package dev.switchboard.cli;

import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
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
    name = "list",
    mixinStandardHelpOptions = true,
    header = "List services, or the methods of a service.",
    sortOptions = false,
    description =
        "List the services of a server, or the methods of one service, one full name per line. "
            + "The contract comes from server reflection unless --proto or --protoset is given.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sb list --plaintext localhost:50051",
      "  sb list --plaintext localhost:50051 grpc.health.v1.Health",
      "  sb list --cacert ca.pem api.example.com:443",
      "  sb list --proto shop/v1/orders.proto -I protos localhost:50051 shop.v1.Orders",
      "  sb list --proto shop/v1/orders.proto -I protos shop.v1.Orders   (no server needed)",
    })
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..2",
      paramLabel = "[TARGET] [SERVICE]",
      description =
          "host:port, unix:/path or inproc:name, then optionally a service's full name to list its methods. "
              + "TARGET may be left out when --proto or --protoset gives the contract.")
  List<String> operands = new ArrayList<>();

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin ContractOptions contract = new ContractOptions();
  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Operands given = Operands.of(operands, contract.fromFiles(), "SERVICE");
    try (Connection open = Connection.openIfGiven(given.target(), connection)) {
      Contracts contracts =
          new Contracts(contract, open == null ? null : open.channel(), connection.deadline);
      String service = given.symbol();
      if (service == null) {
        contracts.serviceNames().forEach(out::println);
      } else {
        ContractSet set = contracts.containing(service);
        GenericDescriptor symbol = set.requireSymbol(service);
        if (!(symbol instanceof ServiceDescriptor found)) {
          throw new BadInputException(
              "SERVICE "
                  + service
                  + ": is a "
                  + ProtoSource.kind(symbol)
                  + ", not a service; try: sb describe "
                  + String.join(" ", operands));
        }
        for (MethodDescriptor method : found.getMethods()) {
          out.println(method.getFullName());
        }
      }
    }
    out.flush();
    return ExitCode.OK;
  }
}
