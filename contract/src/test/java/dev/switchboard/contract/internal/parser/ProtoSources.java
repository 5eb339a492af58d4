package dev.switchboard.contract.internal.parser;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** Copies {@code .proto} sources out of jars on the test classpath into a directory tree. */
final class ProtoSources {
  private ProtoSources() {}

  /**
   * Extracts every {@code .proto} under {@code prefixes} from the classpath jar that holds {@code
   * anchor} and whose file name contains {@code jarNameHint}, and returns their relative names.
   */
  static List<String> extract(String anchor, String jarNameHint, List<String> prefixes, Path into)
      throws IOException {
    Enumeration<URL> urls = ProtoSources.class.getClassLoader().getResources(anchor);
    for (URL url : Collections.list(urls)) {
      if (!url.getProtocol().equals("jar")) {
        continue;
      }
      JarURLConnection connection = (JarURLConnection) url.openConnection();
      connection.setUseCaches(false);
      String jarName = connection.getJarFileURL().getPath();
      if (!jarName.substring(jarName.lastIndexOf('/') + 1).contains(jarNameHint)) {
        continue;
      }
      List<String> names = new ArrayList<>();
      try (JarFile jar = connection.getJarFile()) {
        for (JarEntry entry : Collections.list(jar.entries())) {
          String name = entry.getName();
          if (!name.endsWith(".proto") || prefixes.stream().noneMatch(name::startsWith)) {
            continue;
          }
          Path target = into.resolve(name);
          Files.createDirectories(target.getParent());
          try (InputStream in = jar.getInputStream(entry)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
          names.add(name);
        }
      }
      Collections.sort(names);
      return names;
    }
    throw new IllegalStateException(
        "No jar named like \""
            + jarNameHint
            + "\" holding "
            + anchor
            + " on the test classpath; see contract/pom.xml");
  }

  /**
   * Copies the test resources under {@code resourceDir} (one level, *.proto) and returns their
   * names.
   */
  static List<String> copyResources(String resourceDir, List<String> files, Path into)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (String file : files) {
      String resource = resourceDir + "/" + file;
      try (InputStream in = ProtoSources.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing test resource " + resource);
        }
        Path target = into.resolve(file);
        Files.createDirectories(target.getParent());
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
      names.add(file);
    }
    return names;
  }
}
