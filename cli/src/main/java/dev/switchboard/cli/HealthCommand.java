package dev.switchboard.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    header = "Check a server's health (grpc.health.v1).",
    sortOptions = false,
    description =
        "Ask the server's grpc.health.v1.Health service how a service (or the whole server) "
            + "is doing. Prints {\"status\":\"SERVING\"} and exits 0 when serving; any other status exits 1. "
            + "With --watch, prints one line per change until the server ends the watch, --deadline passes "
            + "or you press Ctrl-C; the exit code then follows the last status. "
            + "Needs no contract: the health protocol is built in.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sb health --plaintext localhost:50051",
      "  sb health --plaintext localhost:50051 shop.v1.Orders",
      "  sb health --deadline 1s --cacert ca.pem api.example.com:443",
      "  sb health --watch --deadline 5m --plaintext localhost:50051 shop.v1.Orders",
    })
final class HealthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "TARGET",
      description = "host:port, unix:/path or inproc:name")
  String target = "";

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "SERVICE",
      description = "The service to ask about; the whole server when left out.")
  @Nullable String service;

  @Option(
      names = "--watch",
      description = "Stream status changes (Health/Watch) instead of asking once.")
  boolean watch;

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Connection open = Connection.open(target, connection)) {
      HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(open.channel());
      if (connection.deadline != null) {
        stub = stub.withDeadlineAfter(connection.deadline.toNanos(), TimeUnit.NANOSECONDS);
      }
      HealthCheckRequest request =
          HealthCheckRequest.newBuilder().setService(service == null ? "" : service).build();
      ServingStatus last = watch ? watch(stub, request, out) : check(stub, request, out);
      if (last != ServingStatus.SERVING) {
        err.println(
            (service == null || service.isEmpty() ? "the server" : service) + " is " + last.name());
        return ExitCode.FAILED;
      }
    }
    return ExitCode.OK;
  }

  private static ServingStatus check(
      HealthGrpc.HealthBlockingStub stub, HealthCheckRequest request, PrintWriter out) {
    ServingStatus status = stub.check(request).getStatus();
    print(status, out);
    return status;
  }

  /**
   * Prints each status the server sends. The watch normally ends only when the deadline passes:
   * that is the user's way to bound it, not a failure, so the last status decides the exit code.
   */
  private static ServingStatus watch(
      HealthGrpc.HealthBlockingStub stub, HealthCheckRequest request, PrintWriter out) {
    ServingStatus last = ServingStatus.UNKNOWN;
    Iterator<HealthCheckResponse> updates = stub.watch(request);
    try {
      while (updates.hasNext()) {
        last = updates.next().getStatus();
        print(last, out);
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
        throw e;
      }
    }
    return last;
  }

  private static void print(ServingStatus status, PrintWriter out) {
    out.println("{\"status\":\"" + status.name() + "\"}");
    out.flush();
  }
}
