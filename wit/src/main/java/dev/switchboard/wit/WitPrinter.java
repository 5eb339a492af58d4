package dev.switchboard.wit;

import dev.switchboard.wit.internal.Printer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Prints a {@link Binding} as WIT source: the main package at the top of a directory and every
 * package it depends on under {@code deps/<namespace>-<name>/}, the layout wasm-tools resolves. The
 * same Binding always prints byte-identical text.
 */
public final class WitPrinter {
  private WitPrinter() {}

  /** Relative path (with {@code /}) to file content, main package first. */
  public static Map<String, String> files(Binding binding) {
    return new Printer(binding).files();
  }

  /** The WIT source of one package of the Binding. */
  public static String print(Binding binding, WitPackage pkg) {
    return new Printer(binding).print(pkg);
  }

  /** Writes {@link #files} under {@code dir}, creating directories as needed. */
  public static void write(Binding binding, Path dir) throws IOException {
    for (Map.Entry<String, String> e : files(binding).entrySet()) {
      Path file = dir.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
    }
  }
}
