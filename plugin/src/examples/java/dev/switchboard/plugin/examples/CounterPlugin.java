package dev.switchboard.plugin.examples;

import dev.switchboard.plugin.HandshakeConfig;
import dev.switchboard.plugin.HclogServiceProvider;
import dev.switchboard.plugin.PluginBroker;
import dev.switchboard.plugin.PluginServer;
import dev.switchboard.plugin.examples.counter.AddHelperGrpc;
import dev.switchboard.plugin.examples.counter.CounterGrpc;
import dev.switchboard.plugin.examples.counter.GetRequest;
import dev.switchboard.plugin.examples.counter.GetResponse;
import dev.switchboard.plugin.examples.counter.OfferRequest;
import dev.switchboard.plugin.examples.counter.OfferResponse;
import dev.switchboard.plugin.examples.counter.PutRequest;
import dev.switchboard.plugin.examples.counter.PutResponse;
import dev.switchboard.plugin.examples.counter.SumRequest;
import dev.switchboard.plugin.examples.counter.SumResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Counter plugin that never adds itself ({@code counter.proto}), shaped like go-plugin's
 * examples/bidirectional. Each Put dials the host's AddHelper under the broker id in the request,
 * asks it for the new total and closes the channel; a Go host or a Java host ({@link CounterHost})
 * serves the AddHelper. Offer is the other direction: the plugin serves an AddHelper of its own
 * through {@link PluginBroker#acceptAndServe} and returns the id for the host to dial.
 */
public final class CounterPlugin {
  /** The same cookie and version as the Go broker programs' {@code countershared.Handshake}. */
  public static final HandshakeConfig HANDSHAKE =
      HandshakeConfig.of("SWITCHBOARD_COUNTER", "add-through-the-host", 1);

  private CounterPlugin() {}

  public static void main(String[] args) {
    // Process-wide settings belong to main. Netty registers JFR events for its buffer allocator
    // unless told not to: ~140 ms of CPU in a cold JVM for events nobody records in a plugin. And
    // SLF4J's loggers (the runtime's among them) write hclog lines that the host re-logs, with no
    // note from SLF4J itself about the provider it was told to use.
    if (System.getProperty(KvPlugin.NETTY_JFR) == null) {
      System.setProperty(KvPlugin.NETTY_JFR, "false");
    }
    System.setProperty("slf4j.provider", HclogServiceProvider.class.getName());
    System.setProperty("slf4j.internal.verbosity", "WARN");
    System.exit(
        PluginServer.builder(HANDSHAKE)
            .name("counter")
            .protocol(services -> services.service(new Counter(services.broker())))
            .build()
            .serve());
  }

  static final class Counter extends CounterGrpc.CounterImplBase {
    private final PluginBroker broker;
    // Guarded by itself; held across the callback so that concurrent Puts to one key add up.
    private final Map<String, Long> totals = new HashMap<>();

    Counter(PluginBroker broker) {
      this.broker = broker;
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> responses) {
      ManagedChannel host;
      try {
        host = broker.dial(request.getAddHelperId());
      } catch (IOException e) {
        responses.onError(
            Status.UNAVAILABLE
                .withDescription(
                    "dialing the host's AddHelper (broker id "
                        + request.getAddHelperId()
                        + "): "
                        + e.getMessage())
                .asRuntimeException());
        return;
      }
      try {
        long total;
        synchronized (totals) {
          total =
              AddHelperGrpc.newBlockingStub(host)
                  .withDeadlineAfter(30, TimeUnit.SECONDS)
                  .sum(
                      SumRequest.newBuilder()
                          .setA(totals.getOrDefault(request.getKey(), 0L))
                          .setB(request.getValue())
                          .build())
                  .getSum();
          totals.put(request.getKey(), total);
        }
        // Reaches the host through GRPCStdio.
        System.out.println("counter " + request.getKey() + " = " + total);
        responses.onNext(PutResponse.newBuilder().setTotal(total).build());
        responses.onCompleted();
      } catch (StatusRuntimeException e) {
        responses.onError(
            e.getStatus()
                .augmentDescription(
                    "calling the host's AddHelper (broker id " + request.getAddHelperId() + ")")
                .asRuntimeException());
      } finally {
        host.shutdownNow();
      }
    }

    /** Serves an AddHelper adding the request's offset to every sum, until the broker closes. */
    @Override
    public void offer(OfferRequest request, StreamObserver<OfferResponse> responses) {
      long offset = request.getOffset();
      AddHelperGrpc.AddHelperImplBase adder =
          new AddHelperGrpc.AddHelperImplBase() {
            @Override
            public void sum(SumRequest sum, StreamObserver<SumResponse> sums) {
              sums.onNext(
                  SumResponse.newBuilder().setSum(sum.getA() + sum.getB() + offset).build());
              sums.onCompleted();
            }
          };
      int id = broker.nextId();
      try {
        // The broker stops the server when it closes (Shutdown), as go-plugin's AcceptAndServe
        // does.
        broker.acceptAndServe(id, List.of(adder.bindService()));
      } catch (IOException e) {
        responses.onError(
            Status.UNAVAILABLE
                .withDescription("serving AddHelper under broker id " + id + ": " + e.getMessage())
                .asRuntimeException());
        return;
      }
      responses.onNext(OfferResponse.newBuilder().setAddHelperId(id).build());
      responses.onCompleted();
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> responses) {
      long total;
      synchronized (totals) {
        total = totals.getOrDefault(request.getKey(), 0L);
      }
      responses.onNext(GetResponse.newBuilder().setTotal(total).build());
      responses.onCompleted();
    }
  }
}
