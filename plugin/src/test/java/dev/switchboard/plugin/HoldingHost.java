package dev.switchboard.plugin;

import dev.switchboard.plugin.examples.KvPlugin;
import dev.switchboard.testing.PeerPrograms;

/**
 * A host that starts a plugin, prints {@code PLUGIN_PID <pid>} and waits to be killed: the test
 * SIGKILLs it and checks the plugin does not outlive it.
 */
public final class HoldingHost {
  private HoldingHost() {}

  public static void main(String[] args) throws Exception {
    PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"))
            .build()
            .start();
    System.out.println("PLUGIN_PID " + client.pid());
    System.out.flush();
    Thread.sleep(600_000);
  }
}
