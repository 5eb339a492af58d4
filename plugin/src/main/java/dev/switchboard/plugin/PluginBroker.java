package dev.switchboard.plugin;

import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.util.List;

/**
 * Extra connections between host and plugin, both ways, negotiated over go-plugin's {@code
 * plugin.GRPCBroker/StartStream}: one side serves services under an id and sends where it listens;
 * the other side dials that id. A host uses it to offer callbacks to its plugin, and a plugin to
 * offer services back to its host.
 */
public interface PluginBroker {
  /** A new id, unique on this side; pass it to the other side inside a request. */
  int nextId();

  /**
   * Starts a server for {@code services} on a new socket and tells the other side where it is,
   * under {@code id}. Closing the returned handle stops the server; otherwise it runs until the
   * broker closes (the plugin's Shutdown, the host's kill). The other side must dial the id within
   * 5 s of the announcement, or it drops it, as go-plugin does.
   */
  AutoCloseable acceptAndServe(int id, List<ServerServiceDefinition> services) throws IOException;

  /**
   * Waits (up to 5 s, as go-plugin does) for the other side to announce {@code id}, then opens a
   * channel to it with the same security as the main connection. The caller closes the channel. One
   * announcement serves one dial: dial once per id and keep the channel.
   *
   * @throws IOException "timeout waiting for connection info" when the id is not announced in time
   *     (or was announced more than 5 s before this dial), or when the broker is closed
   */
  ManagedChannel dial(int id) throws IOException;
}
