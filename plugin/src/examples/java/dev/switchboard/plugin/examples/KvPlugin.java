package dev.switchboard.plugin.examples;

import com.google.protobuf.ByteString;
import dev.switchboard.plugin.HandshakeConfig;
import dev.switchboard.plugin.HclogServiceProvider;
import dev.switchboard.plugin.PluginServer;
import dev.switchboard.plugin.examples.kv.Empty;
import dev.switchboard.plugin.examples.kv.GetRequest;
import dev.switchboard.plugin.examples.kv.GetResponse;
import dev.switchboard.plugin.examples.kv.KVGrpc;
import dev.switchboard.plugin.examples.kv.PutRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Java plugin for go-plugin's {@code examples/grpc} KV contract: cookie {@code
 * BASIC_PLUGIN=hello}, plugin {@code kv_grpc}, protocol version 1. Any host written for that
 * example loads it.
 *
 * <p>Unlike the Go example, which writes each value to a file {@code kv_KEY}, values live in memory
 * for the life of the plugin process.
 */
public final class KvPlugin {
  /** The shaded netty's name for {@code io.netty.jfr.enabled}. */
  static final String NETTY_JFR = "io.grpc.netty.shaded.io.netty.jfr.enabled";

  /** The handshake of go-plugin's examples/grpc. */
  public static final HandshakeConfig HANDSHAKE = HandshakeConfig.of("BASIC_PLUGIN", "hello", 1);

  private KvPlugin() {}

  public static void main(String[] args) {
    // Process-wide settings belong to main. Netty registers JFR events for its buffer allocator
    // unless told not to: ~140 ms of CPU in a cold JVM for events nobody records in a plugin. And
    // SLF4J's loggers (the runtime's among them) write hclog lines that the host re-logs, with no
    // note from SLF4J itself about the provider it was told to use.
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    System.setProperty("slf4j.provider", HclogServiceProvider.class.getName());
    System.setProperty("slf4j.internal.verbosity", "WARN");
    System.exit(
        PluginServer.builder(HANDSHAKE)
            .name("kv_grpc")
            .protocol(services -> services.service(new MemoryKv()))
            .build()
            .serve());
  }

  /** The KV service over a map. */
  static final class MemoryKv extends KVGrpc.KVImplBase {
    private final Map<String, ByteString> values = new ConcurrentHashMap<>();

    @Override
    public void put(PutRequest request, StreamObserver<Empty> responses) {
      values.put(request.getKey(), request.getValue());
      responses.onNext(Empty.getDefaultInstance());
      responses.onCompleted();
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> responses) {
      ByteString value = values.get(request.getKey());
      if (value == null) {
        responses.onError(
            Status.NOT_FOUND
                .withDescription("no value for key '" + request.getKey() + "'")
                .asRuntimeException());
        return;
      }
      responses.onNext(GetResponse.newBuilder().setValue(value).build());
      responses.onCompleted();
    }
  }
}
