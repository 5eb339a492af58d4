package dev.switchboard.plugin.examples;

import dev.switchboard.plugin.PluginClient;
import dev.switchboard.plugin.PluginException;
import dev.switchboard.plugin.examples.counter.AddHelperGrpc;
import dev.switchboard.plugin.examples.counter.CounterGrpc;
import dev.switchboard.plugin.examples.counter.PutRequest;
import dev.switchboard.plugin.examples.counter.SumRequest;
import dev.switchboard.plugin.examples.counter.SumResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * A host that offers an AddHelper to its plugin through the broker and adds to a counter three
 * times. Run with the plugin's command line as one argument, e.g. {@code CounterHost "java -cp
 * CLASSPATH dev.switchboard.plugin.examples.CounterPlugin"}.
 */
public final class CounterHost {
  private CounterHost() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: CounterHost \"PLUGIN COMMAND\"");
      System.exit(2);
    }
    try (PluginClient plugin =
        PluginClient.builder(CounterPlugin.HANDSHAKE)
            .command(args[0].trim().split("\\s+"))
            .syncStdout(System.out)
            .build()
            .start()) {
      CounterGrpc.CounterBlockingStub counter = plugin.stub(CounterGrpc::newBlockingStub);
      for (int value = 1; value <= 3; value++) {
        // A broker id announces one connection, so every Put offers the AddHelper afresh.
        int adderId = plugin.broker().nextId();
        try (AutoCloseable adder =
            plugin.broker().acceptAndServe(adderId, List.of(new Adder().bindService()))) {
          long total =
              counter
                  .put(
                      PutRequest.newBuilder()
                          .setKey("clicks")
                          .setValue(value)
                          .setAddHelperId(adderId)
                          .build())
                  .getTotal();
          System.out.println("host sees clicks = " + total);
        }
      }
    } catch (PluginException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
  }

  /** The host's service the plugin calls back. */
  static final class Adder extends AddHelperGrpc.AddHelperImplBase {
    @Override
    public void sum(SumRequest request, StreamObserver<SumResponse> responses) {
      responses.onNext(SumResponse.newBuilder().setSum(request.getA() + request.getB()).build());
      responses.onCompleted();
    }
  }
}
