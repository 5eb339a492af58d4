package dev.switchboard.plugin;

import dev.switchboard.plugin.brokertest.AddHelperGrpc;
import dev.switchboard.plugin.brokertest.CounterGrpc;
import dev.switchboard.plugin.brokertest.GetRequest;
import dev.switchboard.plugin.brokertest.GetResponse;
import dev.switchboard.plugin.brokertest.OfferRequest;
import dev.switchboard.plugin.brokertest.OfferResponse;
import dev.switchboard.plugin.brokertest.PutRequest;
import dev.switchboard.plugin.brokertest.PutResponse;
import dev.switchboard.plugin.brokertest.SumRequest;
import dev.switchboard.plugin.brokertest.SumResponse;
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
 * The Java side of the broker interop tests ({@code brokertest/counter.proto}): a Counter plugin
 * that never adds itself. Each Put dials the host's AddHelper under the broker id in the request,
 * asks it for the new total and closes the channel, as go-plugin's examples/bidirectional plugin
 * does; a Go host (src/test/go/src/counterhost) or a Java host serves the AddHelper. Offer is the
 * other direction: the plugin serves an AddHelper of its own through {@link
 * PluginBroker#acceptAndServe} and returns the id for the host to dial.
 */
public final class BrokerCounterPlugin {
  /** The same cookie and version as the Go programs' {@code countershared.Handshake}. */
  static final HandshakeConfig HANDSHAKE =
      HandshakeConfig.of("SWITCHBOARD_COUNTER", "add-through-the-host", 1);

  private BrokerCounterPlugin() {}

  public static void main(String[] args) {
    // As every plugin main: SLF4J's loggers write hclog lines to stderr, which the host re-logs.
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
