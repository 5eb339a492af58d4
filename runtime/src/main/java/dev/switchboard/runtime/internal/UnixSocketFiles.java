package dev.switchboard.runtime.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket files left behind by a server that died without cleaning up. A socket file nobody listens
 * on makes {@code bind} fail with "Address already in use", so a restarted server removes it first,
 * but only when it is a socket (never a regular file) and a connection attempt is refused.
 */
public final class UnixSocketFiles {

  private static final Logger log = LoggerFactory.getLogger(UnixSocketFiles.class);

  private UnixSocketFiles() {}

  /**
   * Removes {@code path} if it is a socket file that no process listens on.
   *
   * @throws IOException if something other than a socket is in the way, or a live server holds it
   */
  public static void removeIfStale(Path path) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    }
    if (!attributes.isOther()) {
      throw new IOException(path + " exists and is not a socket; refusing to replace it");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException refused) {
      log.info("removing stale unix socket file {} (nothing listens on it)", path);
      Files.deleteIfExists(path);
      return;
    }
    throw new IOException(path + " is in use by another server");
  }
}
