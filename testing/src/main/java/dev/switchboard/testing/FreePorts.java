package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * TCP ports that are free now, for peers that must be told their port in advance. Another process
 * can take the port before the peer binds it, so when the code under test can bind port 0 and
 * report the port it got, prefer that.
 */
public final class FreePorts {
  private FreePorts() {}

  /** A port that nothing listens on at this moment. */
  public static int pick() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port", e);
    }
  }
}
