package dev.switchboard.runtime;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A server and a channel over a unix socket in one process, a few calls, a clean shutdown: what
 * {@link UnixSocketQuietIT} runs in a fresh JVM to read its stderr. The socket path is the
 * argument.
 */
public final class UnixSocketCall {
  private UnixSocketCall() {}

  public static void main(String[] args) throws Exception {
    Target target = Target.unix(Path.of(args[0]));
    try (SwitchboardServer server =
        SwitchboardServer.builder(target).service(EchoFixtures.dynamicEcho()).build().start()) {
      for (int connection = 0; connection < 3; connection++) {
        ManagedChannel channel = SwitchboardChannel.builder(target).build();
        try {
          DynamicClient.on(channel).unary(EchoFixtures.UNARY, EchoFixtures.request("quiet"));
          HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
  }
}
