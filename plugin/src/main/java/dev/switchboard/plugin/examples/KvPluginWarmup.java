package dev.switchboard.plugin.examples;

import com.google.protobuf.ByteString;
import dev.switchboard.plugin.PluginServer;
import dev.switchboard.plugin.examples.kv.GetRequest;
import dev.switchboard.plugin.examples.kv.KVGrpc;
import dev.switchboard.plugin.examples.kv.PutRequest;
import dev.switchboard.plugin.internal.AutoMtls;
import dev.switchboard.plugin.internal.Endpoints;
import dev.switchboard.plugin.internal.HandshakeLine;
import io.grpc.ManagedChannel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The class-data-sharing training run behind {@code bin/kv-plugin}: serves the KV plugin in this
 * JVM, connects to it as a host would and makes one Put and one Get, once in plaintext and once
 * with AutoMTLS (the host's certificate on go-plugin's P-521, as a Go host sends it), so that the
 * archive written at exit ({@code -XX:ArchiveClassesAtExit}) holds every class a real plugin start
 * loads on either path. Not a plugin itself: it prints nothing a host could mistake for a
 * handshake.
 */
public final class KvPluginWarmup {
  private KvPluginWarmup() {}

  public static void main(String[] args) throws Exception {
    round(null);
    round(AutoMtls.generate("secp521r1"));
    System.exit(0);
  }

  private static void round(AutoMtls.@Nullable Identity host) throws Exception {
    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    Map<String, String> environment = new HashMap<>();
    environment.put("BASIC_PLUGIN", "hello");
    environment.put("PLUGIN_PROTOCOL_VERSIONS", "1");
    if (host != null) {
      environment.put("PLUGIN_CLIENT_CERT", host.certificatePem());
    }
    PluginServer server =
        PluginServer.builder(KvPlugin.HANDSHAKE)
            .name("kv_grpc")
            .protocol(services -> services.service(new KvPlugin.MemoryKv()))
            .environment(environment)
            .stdout(new PrintStream(handshake, true, StandardCharsets.UTF_8))
            .watchParent(false)
            .build();
    Thread serving = new Thread(server::serve, "warmup-plugin");
    serving.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!handshake.toString(StandardCharsets.UTF_8).contains("\n")
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    HandshakeLine line = HandshakeLine.parse(handshake.toString(StandardCharsets.UTF_8).trim());
    try (Endpoints endpoints = new Endpoints("warmup")) {
      ManagedChannel channel =
          endpoints.channel(
              line.network(),
              line.address(),
              host == null
                  ? null
                  : new Endpoints.Tls(host, AutoMtls.parseHandshakeField(line.certificate())),
              Integer.MAX_VALUE,
              List.of());
      KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
      kv.put(
          PutRequest.newBuilder().setKey("warm").setValue(ByteString.copyFromUtf8("up")).build());
      kv.get(GetRequest.newBuilder().setKey("warm").build());
      channel.shutdownNow();
    }
    server.stop();
    serving.join();
  }
}
