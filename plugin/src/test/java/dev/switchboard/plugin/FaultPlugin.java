package dev.switchboard.plugin;

import com.google.protobuf.ByteString;
import dev.switchboard.plugin.examples.kv.Empty;
import dev.switchboard.plugin.examples.kv.GetRequest;
import dev.switchboard.plugin.examples.kv.GetResponse;
import dev.switchboard.plugin.examples.kv.KVGrpc;
import dev.switchboard.plugin.examples.kv.PutRequest;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A KV plugin that misbehaves on purpose, in named modes (go-plugin's tests do the same with the
 * test binary itself):
 *
 * <ul>
 *   <li>{@code crash-on-put}: a Put of key "crash" ends the process with status 3 mid-call;
 *   <li>{@code noise}: prints two lines of noise before the handshake, then serves;
 *   <li>{@code spawn-child}: starts a long {@code sleep} child, then serves;
 *   <li>{@code garbage}: prints non-handshake lines forever;
 *   <li>{@code silent}: prints nothing and waits;
 *   <li>{@code bad-line}: prints a malformed handshake line;
 *   <li>{@code v2}: serves protocol version 2 only.
 * </ul>
 */
public final class FaultPlugin {
  private FaultPlugin() {}

  public static void main(String[] args) throws Exception {
    // As every plugin main: SLF4J's loggers write hclog lines to stderr, which the host re-logs.
    System.setProperty("slf4j.provider", HclogServiceProvider.class.getName());
    System.setProperty("slf4j.internal.verbosity", "WARN");
    String mode = args.length > 0 ? args[0] : "";
    switch (mode) {
      case "garbage" -> {
        while (true) {
          System.out.println("hello, I am not a handshake");
          Thread.sleep(100);
        }
      }
      case "silent" -> Thread.sleep(600_000);
      case "bad-line" -> {
        System.out.println("1|one|unix|/nowhere|grpc|");
        System.err.println(
            "{\"@level\":\"error\",\"@message\":\"I printed a bad line on purpose\"}");
        Thread.sleep(600_000);
      }
      case "noise" -> {
        System.out.println("starting up...");
        System.out.println("almost there");
      }
      case "spawn-child" -> new ProcessBuilder("sleep", "300").start();
      default -> {}
    }
    if (mode.equals("dynamic")) {
      System.exit(
          PluginServer.builder(HandshakeConfig.of("BASIC_PLUGIN", "hello", 1))
              .name("dynamic-kv")
              .protocol(services -> services.service(dynamicKv()))
              .build()
              .serve());
    }
    int version = mode.equals("v2") ? 2 : 1;
    System.exit(
        PluginServer.builder(HandshakeConfig.of("BASIC_PLUGIN", "hello", version))
            .name("fault-" + mode)
            .protocol(services -> services.service(new Kv(mode)))
            .build()
            .serve());
  }

  /** The KV service served from its descriptor, with DynamicMessage handlers. */
  static dev.switchboard.runtime.DynamicService dynamicKv() {
    com.google.protobuf.Descriptors.ServiceDescriptor kv =
        dev.switchboard.plugin.examples.kv.KvProto.getDescriptor().findServiceByName("KV");
    Map<String, ByteString> values = new ConcurrentHashMap<>();
    com.google.protobuf.Descriptors.Descriptor getResponse =
        kv.findMethodByName("Get").getOutputType();
    com.google.protobuf.Descriptors.Descriptor empty = kv.findMethodByName("Put").getOutputType();
    return dev.switchboard.runtime.DynamicService.builder(kv)
        .unary(
            "Put",
            (request, responses) -> {
              var fields = request.getDescriptorForType();
              values.put(
                  (String) request.getField(fields.findFieldByName("key")),
                  (ByteString) request.getField(fields.findFieldByName("value")));
              responses.onNext(com.google.protobuf.DynamicMessage.getDefaultInstance(empty));
              responses.onCompleted();
            })
        .unary(
            "Get",
            (request, responses) -> {
              String key =
                  (String) request.getField(request.getDescriptorForType().findFieldByName("key"));
              responses.onNext(
                  com.google.protobuf.DynamicMessage.newBuilder(getResponse)
                      .setField(
                          getResponse.findFieldByName("value"),
                          values.getOrDefault(key, ByteString.EMPTY))
                      .build());
              responses.onCompleted();
            })
        .build();
  }

  static final class Kv extends KVGrpc.KVImplBase {
    private final String mode;
    private final Map<String, ByteString> values = new ConcurrentHashMap<>();

    Kv(String mode) {
      this.mode = mode;
    }

    @Override
    public void put(PutRequest request, StreamObserver<Empty> responses) {
      if (mode.equals("crash-on-put") && request.getKey().equals("crash")) {
        Runtime.getRuntime().halt(3);
      }
      values.put(request.getKey(), request.getValue());
      responses.onNext(Empty.getDefaultInstance());
      responses.onCompleted();
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> responses) {
      responses.onNext(
          GetResponse.newBuilder()
              .setValue(values.getOrDefault(request.getKey(), ByteString.EMPTY))
              .build());
      responses.onCompleted();
    }
  }
}
