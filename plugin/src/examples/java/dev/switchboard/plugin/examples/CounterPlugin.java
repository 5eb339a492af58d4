package dev.switchboard.plugin.examples;

import dev.switchboard.plugin.HandshakeConfig;
import dev.switchboard.plugin.HclogServiceProvider;
import dev.switchboard.plugin.PluginBroker;
import dev.switchboard.plugin.PluginServer;
import dev.switchboard.plugin.examples.counter.AdderGrpc;
import dev.switchboard.plugin.examples.counter.CounterGrpc;
import dev.switchboard.plugin.examples.counter.IncrementRequest;
import dev.switchboard.plugin.examples.counter.IncrementResponse;
import dev.switchboard.plugin.examples.counter.SumRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plugin that cannot add: for every Increment it dials the host's Adder through the broker (the
 * id comes in the request) and stores the sum. It also prints each result to System.out, which
 * reaches the host through GRPCStdio.
 */
public final class CounterPlugin {
  public static final HandshakeConfig HANDSHAKE =
      HandshakeConfig.of("COUNTER_PLUGIN", "count-on-me", 1);

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
    private final Map<String, Long> values = new ConcurrentHashMap<>();
    // A broker id announces one connection (go-plugin consumes the ConnInfo on Dial), so the
    // channel is dialed once per id and reused.
    private final Map<Integer, ManagedChannel> adders = new ConcurrentHashMap<>();

    Counter(PluginBroker broker) {
      this.broker = broker;
    }

    @Override
    public void increment(IncrementRequest request, StreamObserver<IncrementResponse> responses) {
      ManagedChannel adder;
      try {
        adder = adder(request.getAdderId());
      } catch (IOException e) {
        responses.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        return;
      }
      try {
        long sum;
        synchronized (values) {
          long current = values.getOrDefault(request.getKey(), 0L);
          sum =
              AdderGrpc.newBlockingStub(adder)
                  .sum(SumRequest.newBuilder().setA(current).setB(request.getDelta()).build())
                  .getSum();
          values.put(request.getKey(), sum);
        }
        System.out.println("counter " + request.getKey() + " = " + sum);
        responses.onNext(IncrementResponse.newBuilder().setValue(sum).build());
        responses.onCompleted();
      } catch (RuntimeException e) {
        responses.onError(Status.fromThrowable(e).asRuntimeException());
      }
    }

    private synchronized ManagedChannel adder(int id) throws IOException {
      ManagedChannel channel = adders.get(id);
      if (channel == null) {
        channel = broker.dial(id);
        adders.put(id, channel);
      }
      return channel;
    }
  }
}
