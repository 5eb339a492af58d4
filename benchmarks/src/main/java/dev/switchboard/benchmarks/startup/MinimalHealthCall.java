package dev.switchboard.benchmarks.startup;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;

/**
 * The yardstick for sb's start-up: the least a Java program needs to make one unary call with
 * generated stubs ({@code grpc.health.v1.Health/Check} over plain-text TCP) and print the answer.
 *
 * <p>Usage: {@code MinimalHealthCall host:port}
 */
public final class MinimalHealthCall {
  private MinimalHealthCall() {}

  public static void main(String[] args) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(args[0]).usePlaintext().build();
    HealthCheckResponse response =
        HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    System.out.println("{\"status\":\"" + response.getStatus().name() + "\"}");
    channel.shutdownNow();
  }
}
