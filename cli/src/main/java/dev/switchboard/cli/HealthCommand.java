package dev.switchboard.cli;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    header = "Check a server's health (grpc.health.v1).",
    sortOptions = false,
    description = "Ask the server's grpc.health.v1.Health service how a service (or the whole server) "
        + "is doing. Prints {\"status\":\"SERVING\"} and exits 0 when serving; any other status exits 1. "
        + "Needs no contract: the health protocol is built in.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sb health --plaintext localhost:50051",
        "  sb health --plaintext localhost:50051 shop.v1.Orders",
        "  sb health --deadline 1s --cacert ca.pem api.example.com:443",
    })
final class HealthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TARGET", description = "host:port, unix:/path or inproc:name")
  String target = "";

  @Parameters(index = "1", arity = "0..1", paramLabel = "SERVICE",
      description = "The service to ask about; the whole server when left out.")
  @Nullable String service;

  @Mixin ConnectionOptions connection = new ConnectionOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Connection open = Connection.open(target, connection)) {
      HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(open.channel());
      if (connection.deadline != null) {
        stub = stub.withDeadlineAfter(connection.deadline.toNanos(), TimeUnit.NANOSECONDS);
      }
      HealthCheckResponse response = stub.check(
          HealthCheckRequest.newBuilder().setService(service == null ? "" : service).build());
      out.println("{\"status\":\"" + response.getStatus().name() + "\"}");
      out.flush();
      if (response.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
        err.println((service == null || service.isEmpty() ? "the server" : service) + " is "
            + response.getStatus().name());
        return ExitCode.RPC_FAILED;
      }
    }
    return ExitCode.OK;
  }
}
