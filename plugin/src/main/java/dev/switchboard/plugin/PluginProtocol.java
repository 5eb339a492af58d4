package dev.switchboard.plugin;

/**
 * A protocol registers the services a plugin offers for one protocol version (pyvider's {@code
 * RPCPluginProtocol.add_to_server}, go-plugin's {@code GRPCPlugin.GRPCServer}).
 */
@FunctionalInterface
public interface PluginProtocol {
  void register(PluginServices services);
}
