package dev.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on the loopback address in front of an HTTP/1.1 peer, which can hold back the next
 * response. Armed with {@link #holdNextResponse}, it lets the next request through to the peer and,
 * when the peer's answer starts to come back (its first byte after arming), keeps it: nothing more
 * is forwarded on that connection, and the given action runs. That is the instant crash tests need
 * and cannot get from a client library: the request has reached the peer (which acted on it), and
 * its answer has not reached the caller.
 *
 * <pre>{@code
 * try (HoldingProxy proxy = HoldingProxy.start(peer.port())) {
 *   CountDownLatch held = new CountDownLatch(1);
 *   proxy.holdNextResponse(held::countDown);
 *   ... a client calls http://127.0.0.1:{proxy.port()} ...
 *   held.await();   // the peer answered; the client waits for an answer that never comes
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class HoldingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int upstreamPort;
  private final AtomicReference<@Nullable Runnable> armed = new AtomicReference<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private HoldingProxy(ServerSocket server, int upstreamPort) {
    this.server = server;
    this.upstreamPort = upstreamPort;
  }

  /** A proxy on a free loopback port forwarding to {@code upstreamPort} on the loopback address. */
  public static HoldingProxy start(int upstreamPort) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      HoldingProxy proxy = new HoldingProxy(server, upstreamPort);
      daemon("holding-proxy-accept", proxy::accept).start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the proxy's port", e);
    }
  }

  /** The port clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * Holds back the next answer the peer sends, on whichever connection, and then runs {@code
   * onHeld} (on the proxy's thread). Holds once; arm again for another.
   */
  public void holdNextResponse(Runnable onHeld) {
    armed.set(onHeld);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        daemon("holding-proxy-request", () -> copy(client, upstream)).start();
        daemon("holding-proxy-response", () -> answer(upstream, client)).start();
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  /** Client to peer: everything, as it comes. */
  private void copy(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // one side went away; the other is closed below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Peer to client: forwarded until an armed hold begins, then kept. */
  private void answer(Socket upstream, Socket client) {
    boolean holding = false;
    try {
      InputStream in = upstream.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] chunk = new byte[16 * 1024];
      for (int n; (n = in.read(chunk)) >= 0; ) {
        if (holding) {
          continue;
        }
        Runnable action = armed.getAndSet(null);
        if (action != null) {
          holding = true;
          action.run();
          continue;
        }
        out.write(chunk, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away; the other is closed below
    } finally {
      closeQuietly(upstream);
      closeQuietly(client);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Stops accepting and closes every connection. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    sockets.forEach(HoldingProxy::closeQuietly);
    sockets.clear();
  }
}
