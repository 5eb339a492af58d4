package dev.switchboard.plugin;

import dev.switchboard.plugin.examples.KvPlugin;
import java.util.Arrays;
import java.util.List;

/**
 * A Java host for the host-death tests: {@code HoldingHost mtls|plain PLUGIN_COMMAND...} prints
 * {@code LAUNCHING} just before it starts the plugin and {@code PLUGIN_PID <pid>} once the plugin
 * serves, then waits to be killed. The plugin inherits this process's environment.
 */
public final class HoldingHost {
  private HoldingHost() {}

  public static void main(String[] args) throws Exception {
    boolean mtls = args[0].equals("mtls");
    List<String> plugin = Arrays.asList(args).subList(1, args.length);
    PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE).command(plugin).autoMtls(mtls).build();
    System.out.println("LAUNCHING");
    System.out.flush();
    client.start();
    System.out.println("PLUGIN_PID " + client.pid());
    System.out.flush();
    Thread.sleep(600_000);
  }
}
