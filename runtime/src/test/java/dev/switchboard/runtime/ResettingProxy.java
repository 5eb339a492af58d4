package dev.switchboard.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between a client and a server that can cut every connection with a reset (SO_LINGER
 * 0), the way a crashed process or a dropped network looks to the server: no GOAWAY, no RST_STREAM,
 * no FIN; or can go silent, as a frozen peer does.
 */
final class ResettingProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int upstreamPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean silent;

  ResettingProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "resetting-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        sockets.add(client);
        sockets.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                  if (!silent) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // The other side went away (or we reset it): nothing more to relay.
              }
            },
            "resetting-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * From now on swallows everything in both directions while keeping the connections open: a peer
   * that froze or sits behind a dead network path, which only keepalive pings can detect.
   */
  void goSilent() {
    silent = true;
  }

  /** Resets every relayed connection on both sides. */
  void resetAll() throws IOException {
    for (Socket socket : sockets) {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
        socket.close();
      }
    }
    sockets.clear();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    resetAll();
  }
}
