package dev.switchboard.plugin;

import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.util.List;

/**
 * Extra connections between host and plugin, both ways, negotiated over go-plugin's
 * {@code plugin.GRPCBroker/StartStream}: one side serves services under an id and sends where it
 * listens; the other side dials that id. A host uses it to offer callbacks to its plugin, and a
 * plugin to offer services back to its host.
 */
public interface PluginBroker {
  /** A new id, unique on this side; pass it to the other side inside a request. */
  int nextId();

  /**
   * Starts a server for {@code services} on a new socket and tells the other side where it is,
   * under {@code id}. Closing the returned handle stops the server.
   */
  AutoCloseable acceptAndServe(int id, List<ServerServiceDefinition> services) throws IOException;

  /**
   * Waits (up to 5 s, as go-plugin does) for the other side to announce {@code id}, then opens a
   * channel to it with the same security as the main connection. The caller closes the channel.
   */
  ManagedChannel dial(int id) throws IOException;
}
