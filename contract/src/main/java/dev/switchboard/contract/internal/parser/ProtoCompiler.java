package dev.switchboard.contract.internal.parser;

import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import dev.switchboard.contract.ContractException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Compiles {@code .proto} source into the {@link FileDescriptorProto}s protoc writes with {@code
 * --include_imports --include_source_info --descriptor_set_out}, in pure JVM code.
 *
 * <p>Use: {@code ProtoCompiler.create(importPaths).compile(List.of("pkg/api.proto"))}. The result
 * holds the requested files and all their transitive imports, each after its imports (protoc's
 * order: depth first, in import order). Each file equals what protoc 3.21 emits: type names fully
 * qualified with a leading dot, {@code json_name} on every field, synthetic map-entry types and
 * proto3-optional oneofs, and options interpreted (custom ones as unknown fields, byte for byte). A
 * compiler is immutable and thread-safe; calls share no state.
 *
 * <p><b>Source info.</b> By default each file carries a {@code source_code_info} with one location
 * per declaration (syntax, package, imports, option statements, messages, fields, oneofs, enums,
 * enum values, services, methods, extend blocks, extensions and reserved statements): protoc's path
 * and span, and protoc's leading, trailing and detached comments. protoc also records a location
 * for nearly every token (names, types, numbers), which this compiler leaves out. {@link
 * #withoutSourceInfo()} skips it all.
 *
 * <p><b>Finding files.</b> A file is named by its path relative to an import path, with {@code /}
 * separators ({@code google/protobuf/timestamp.proto}); the import paths are searched in order and
 * the first match wins. The well-known types ({@code google/protobuf/*.proto}, including {@code
 * descriptor.proto}) come bundled from the protobuf-java jar when no import path holds them. A
 * requested file may also be given as a path on disk (absolute or relative to the working
 * directory): if it lies under an import path it is renamed to its path relative to the first such
 * import path, as protoc does; a disk file outside every import path is an error. With no import
 * paths at all, the working directory is the import path (protoc's default).
 *
 * <p><b>Errors.</b> Every problem found in every file is collected and thrown in one {@link
 * ContractException}; each problem's location is {@code file:line:column} (1-based, tabs to the
 * next multiple of 8, like protoc). A missing import lists every place searched; an unknown type or
 * option lists the nearest defined names.
 */
public final class ProtoCompiler {
  private static final String BUNDLED_PREFIX = "google/protobuf/";

  private final List<Path> importPaths;
  private final boolean keepSourceInfo;

  private ProtoCompiler(List<Path> importPaths, boolean keepSourceInfo) {
    this.importPaths = List.copyOf(importPaths);
    this.keepSourceInfo = keepSourceInfo;
  }

  /**
   * A compiler that searches {@code importPaths} in order, then the bundled well-known types. With
   * no import paths, the working directory is the import path, as with protoc without {@code -I}.
   */
  public static ProtoCompiler create(List<Path> importPaths) {
    return new ProtoCompiler(importPaths.isEmpty() ? List.of(Path.of("")) : importPaths, true);
  }

  /** The same compiler, but its files carry no {@code source_code_info} (no comments, no spans). */
  public ProtoCompiler withoutSourceInfo() {
    return new ProtoCompiler(importPaths, false);
  }

  /**
   * Compiles {@code files} (names relative to the import paths, or disk paths under one of them).
   *
   * @return the requested files and their transitive imports, every file after its imports
   * @throws ContractException listing every problem, each located as {@code file:line:column}
   */
  public List<FileDescriptorProto> compile(List<String> files) throws ContractException {
    return new Compilation().run(files);
  }

  /** The state of one {@link #compile} call. */
  private final class Compilation {
    private final Problems problems = new Problems();
    private final Linker linker = new Linker(problems);
    private final Map<String, Boolean> done = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final List<FileDescriptorProto> out = new ArrayList<>();

    List<FileDescriptorProto> run(List<String> files) throws ContractException {
      Set<String> names = new LinkedHashSet<>();
      for (String file : files) {
        String name = virtualName(file);
        if (name != null) {
          names.add(name);
        }
      }
      for (String name : names) {
        ensure(name, null);
      }
      problems.throwIfAny();
      return List.copyOf(out);
    }

    private @Nullable String virtualName(String input) {
      Path path;
      try {
        path = Path.of(input);
      } catch (RuntimeException e) {
        return input;
      }
      if (Files.isRegularFile(path)) {
        Path absolute = path.toAbsolutePath().normalize();
        for (Path importPath : importPaths) {
          Path root = importPath.toAbsolutePath().normalize();
          if (absolute.startsWith(root)) {
            return root.relativize(absolute).toString().replace('\\', '/');
          }
        }
        if (!path.isAbsolute() && find(normalized(input)) != null) {
          return normalized(input);
        }
        problems.add(
            input,
            "File does not reside within any import path ("
                + importPathList()
                + "). Name it relative to an import path, or add its directory as an import path.");
        return null;
      }
      return normalized(input);
    }

    /** {@code ./a/../b.proto} names the same file as {@code b.proto}; protoc would say so too. */
    private String normalized(String name) {
      String slashed = name.replace('\\', '/');
      try {
        String clean = Path.of(slashed).normalize().toString().replace('\\', '/');
        return clean.isEmpty() || clean.startsWith("..") ? slashed : clean;
      } catch (RuntimeException e) {
        return slashed;
      }
    }

    private String importPathList() {
      if (importPaths.isEmpty()) {
        return "none given";
      }
      List<String> shown = new ArrayList<>();
      for (Path p : importPaths) {
        // With no import paths given, the working directory is the import path.
        shown.add(p.toString().isEmpty() ? "the working directory" : p.toString());
      }
      return String.join(", ", shown);
    }

    /**
     * Loads, parses and links {@code name} after its imports; false when it or an import failed.
     */
    private boolean ensure(String name, ParsedFile.@Nullable Import importedBy) {
      Boolean known = done.get(name);
      if (known != null) {
        return known;
      }
      String where = importedBy == null ? name : importedBy.location().toString();
      if (stack.contains(name)) {
        List<String> cycle = new ArrayList<>(stack);
        java.util.Collections.reverse(cycle);
        cycle = cycle.subList(cycle.indexOf(name), cycle.size());
        problems.add(
            where,
            "File recursively imports itself: " + String.join(" -> ", cycle) + " -> " + name);
        return false;
      }
      Source source = find(name);
      @Nullable String text = source == null ? null : source.text();
      @Nullable String unreadable = source == null ? null : source.unreadable();
      if (text == null) {
        problems.add(
            where,
            unreadable != null
                ? unreadable
                : (importedBy == null ? "File \"" : "Import \"")
                    + name
                    + "\" was not found. Searched: "
                    + String.join(", ", searched(name))
                    + ".");
        done.put(name, false);
        return false;
      }
      int before = problems.count();
      ParsedFile parsed = ProtoParser.parse(name, text, problems, keepSourceInfo);
      boolean ok = problems.count() == before;
      stack.push(name);
      for (ParsedFile.Import imported : parsed.imports) {
        ok &= ensure(imported.name(), imported);
      }
      stack.pop();
      if (ok) {
        FileDescriptorProto linked = linker.link(parsed);
        if (linked == null) {
          ok = false;
        } else {
          out.add(linked);
        }
      }
      done.put(name, ok);
      return ok;
    }

    private List<String> searched(String name) {
      List<String> out = new ArrayList<>();
      for (Path importPath : importPaths) {
        out.add(importPath.resolve(name).toString());
      }
      if (name.startsWith(BUNDLED_PREFIX)) {
        out.add("the well-known types bundled in protobuf-java");
      }
      return out;
    }
  }

  /** A file's text, or why it could not be read; null from {@link #find} when it is nowhere. */
  private record Source(@Nullable String text, @Nullable String unreadable) {}

  private @Nullable Source find(String name) {
    for (Path importPath : importPaths) {
      Path candidate = importPath.resolve(name);
      if (Files.isRegularFile(candidate)) {
        try {
          // Decoded leniently: protoc takes any bytes in comments.
          return new Source(
              new String(Files.readAllBytes(candidate), StandardCharsets.UTF_8), null);
        } catch (IOException e) {
          return new Source(null, "cannot read " + candidate + ": " + e.getMessage());
        }
      }
    }
    if (name.startsWith(BUNDLED_PREFIX)) {
      try (InputStream in = DescriptorProtos.class.getClassLoader().getResourceAsStream(name)) {
        if (in != null) {
          return new Source(new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
        }
      } catch (IOException e) {
        return new Source(null, "cannot read the bundled " + name + ": " + e.getMessage());
      }
    }
    return null;
  }
}
