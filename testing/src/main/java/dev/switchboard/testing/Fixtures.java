package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The contracts several modules' tests share, so that each exists once. They are files on disk
 * (copied out of this jar once per JVM when it runs from a jar), because protoc and the contract
 * loader read directories.
 *
 * <ul>
 *   <li>{@code shop/v1/orders.proto}, importing {@code shop/v1/common.proto} and two well-known
 *       types: an Orders service with every call shape, maps, oneofs, enums and nested messages.
 *   <li>{@code todo.proto} (package {@code core.todo.v1}): a small real-world service, as
 *       published.
 * </ul>
 *
 * <pre>{@code
 * ContractLoader.builder().importPath(Fixtures.protoRoot()).build().protos(List.of("shop/v1/orders.proto"));
 * PeerPrograms.descriptorSet(out, List.of(Fixtures.protoRoot()), false, "todo.proto");
 * }</pre>
 */
public final class Fixtures {
  private static final String PROTOS = "protos";

  private Fixtures() {}

  /** The import path that holds every fixture {@code .proto} under its import name. */
  public static Path protoRoot() {
    return ProtoRoot.PATH;
  }

  /**
   * The fixture {@code name}, as it is imported ({@code "shop/v1/orders.proto"}).
   *
   * @throws IllegalArgumentException naming the fixtures there are, if there is none by that name
   */
  public static Path proto(String name) {
    Path file = protoRoot().resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no proto fixture " + name + "; the fixtures are " + protoNames());
    }
    return file;
  }

  /** The import names of every fixture {@code .proto}, sorted. */
  public static List<String> protoNames() {
    try (Stream<Path> files = Files.walk(protoRoot())) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> protoRoot().relativize(file).toString().replace('\\', '/'))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resolved on first use: a directory of this module's classes, or a copy out of its jar. */
  private static final class ProtoRoot {
    static final Path PATH = locate();

    private static Path locate() {
      URL url = Fixtures.class.getResource(PROTOS);
      if (url == null) {
        throw new IllegalStateException(
            "the proto fixtures are missing from the class path beside " + Fixtures.class);
      }
      try {
        URI uri = url.toURI();
        if (uri.getScheme().equals("file")) {
          return Path.of(uri);
        }
        // jar:file:/.../switchboard-testing.jar!/dev/switchboard/testing/protos
        String[] jarAndEntry = uri.getRawSchemeSpecificPart().split("!", 2);
        try (FileSystem jar = FileSystems.newFileSystem(Path.of(new URI(jarAndEntry[0])))) {
          Path copy = Files.createTempDirectory("switchboard-fixtures-");
          copy.toFile().deleteOnExit();
          copyTree(jar.getPath(jarAndEntry[1]), copy);
          return copy;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not copy the proto fixtures out of " + url, e);
      } catch (URISyntaxException e) {
        throw new IllegalStateException("unreadable fixture location " + url, e);
      }
    }

    private static void copyTree(Path from, Path to) throws IOException {
      try (Stream<Path> files = Files.walk(from)) {
        for (Path source : (Iterable<Path>) files::iterator) {
          Path target = to.resolve(from.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else {
            Files.copy(source, target);
          }
          // Registered parent first, so deleted after its contents (deleteOnExit runs in reverse).
          target.toFile().deleteOnExit();
        }
      }
    }
  }
}
