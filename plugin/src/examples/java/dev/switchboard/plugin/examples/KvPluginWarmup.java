package dev.switchboard.plugin.examples;

import com.google.protobuf.ByteString;
import dev.switchboard.plugin.HclogServiceProvider;
import dev.switchboard.plugin.PluginServer;
import dev.switchboard.plugin.examples.kv.GetRequest;
import dev.switchboard.plugin.examples.kv.KVGrpc;
import dev.switchboard.plugin.examples.kv.PutRequest;
import dev.switchboard.plugin.internal.AutoMtls;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import io.grpc.ManagedChannel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The class-data-sharing training run behind {@code bin/kv-plugin}: serves the KV plugin in this
 * JVM, connects to it as a host would and makes one Put and one Get, once in plaintext and once
 * with AutoMTLS (the host's certificate on go-plugin's P-521, as a Go host sends it), so that the
 * archive written at exit ({@code -XX:ArchiveClassesAtExit}) holds every class a real plugin start
 * loads on either path. Not a plugin itself: it prints nothing a host could mistake for a
 * handshake. Exits 0 when both rounds worked.
 */
public final class KvPluginWarmup {
  private KvPluginWarmup() {}

  public static void main(String[] args) throws Exception {
    // The same process-wide settings as KvPlugin's main, so the same classes load.
    if (System.getProperty(KvPlugin.NETTY_JFR) == null) {
      System.setProperty(KvPlugin.NETTY_JFR, "false");
    }
    System.setProperty("slf4j.provider", HclogServiceProvider.class.getName());
    System.setProperty("slf4j.internal.verbosity", "WARN");
    round(null);
    // The plugin's host side of the test is Go's; P-521 is go-plugin's curve.
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
            // The host watch runs beside every real start: train its classes into the archive too.
            // This JVM's parent (the launcher script) outlives it.
            .watchParent(true)
            .build();
    Thread serving = new Thread(server::serve, "warmup-plugin");
    serving.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!handshake.toString(StandardCharsets.UTF_8).contains("\n")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the plugin printed no handshake line within 60 s");
      }
      Thread.sleep(5);
    }
    // CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT
    String[] line = handshake.toString(StandardCharsets.UTF_8).trim().split("\\|", -1);
    SwitchboardChannel.Builder builder =
        SwitchboardChannel.builder(Target.unix(Path.of(line[3]))).overrideAuthority("localhost");
    if (host != null) {
      builder.tls(
          TlsConfig.fromCertificates(host.privateKey(), host.certificate())
              .pinning(AutoMtls.parseHandshakeField(line[5]))
              .provider(TlsConfig.Provider.JDK));
    }
    ManagedChannel channel = builder.build();
    try {
      KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
      kv.put(
          PutRequest.newBuilder().setKey("warm").setValue(ByteString.copyFromUtf8("up")).build());
      kv.get(GetRequest.newBuilder().setKey("warm").build());
    } finally {
      channel.shutdownNow();
    }
    server.stop();
    serving.join();
  }
}
