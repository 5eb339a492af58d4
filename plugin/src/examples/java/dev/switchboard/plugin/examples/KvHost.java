package dev.switchboard.plugin.examples;

import com.google.protobuf.ByteString;
import dev.switchboard.plugin.PluginClient;
import dev.switchboard.plugin.PluginException;
import dev.switchboard.plugin.examples.kv.GetRequest;
import dev.switchboard.plugin.examples.kv.KVGrpc;
import dev.switchboard.plugin.examples.kv.PutRequest;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A Java host that loads any KV plugin (Go, Python or Java) and runs one operation:
 *
 * <pre>
 * KvHost [--no-mtls] "PLUGIN COMMAND" put KEY VALUE
 * KvHost [--no-mtls] "PLUGIN COMMAND" get KEY
 * </pre>
 *
 * Exit status: 0 on success, 1 when the plugin failed or the call failed, 2 on bad usage.
 */
public final class KvHost {
  private KvHost() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    List<String> rest = Arrays.asList(args);
    boolean mtls = true;
    if (!rest.isEmpty() && rest.get(0).equals("--no-mtls")) {
      mtls = false;
      rest = rest.subList(1, rest.size());
    }
    if (rest.size() < 3
        || !(rest.get(1).equals("put") && rest.size() == 4
            || rest.get(1).equals("get") && rest.size() == 3)) {
      System.err.println("usage: KvHost [--no-mtls] \"PLUGIN COMMAND\" put KEY VALUE | get KEY");
      return 2;
    }
    try (PluginClient plugin =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(rest.get(0).trim().split("\\s+"))
            .autoMtls(mtls)
            .build()
            .start()) {
      KVGrpc.KVBlockingStub kv = plugin.stub(KVGrpc::newBlockingStub);
      if (rest.get(1).equals("put")) {
        kv.put(
            PutRequest.newBuilder()
                .setKey(rest.get(2))
                .setValue(ByteString.copyFrom(rest.get(3), StandardCharsets.UTF_8))
                .build());
        System.out.println("put " + rest.get(2));
      } else {
        System.out.println(
            kv.get(GetRequest.newBuilder().setKey(rest.get(2)).build()).getValue().toStringUtf8());
      }
      return 0;
    } catch (PluginException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (StatusRuntimeException e) {
      System.err.println(
          "error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      return 1;
    }
  }
}
