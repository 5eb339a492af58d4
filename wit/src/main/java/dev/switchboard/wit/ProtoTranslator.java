package dev.switchboard.wit;

import com.google.protobuf.Descriptors.FileDescriptor;
import dev.switchboard.contract.ContractException;
import dev.switchboard.wit.internal.ProtoTranslation;
import java.util.List;
import java.util.Objects;

/**
 * Translates proto3 files into a {@link Binding}. The proto package becomes the WIT package ({@code
 * core.todo.v1} is {@code core:todo}); WIT has no notion of the proto's version segment, so the
 * version comes from the caller.
 */
public final class ProtoTranslator {
  private final String version;

  private ProtoTranslator(String version) {
    this.version = version;
  }

  /** A translator that stamps every package it emits with {@code version} (semver, e.g. 1.0.0). */
  public static ProtoTranslator withVersion(String version) {
    Objects.requireNonNull(version, "version");
    if (!version.matches("\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?")) {
      throw new IllegalArgumentException(
          "version must be semver like 1.0.0, not '" + version + "'");
    }
    return new ProtoTranslator(version);
  }

  /**
   * Translates the given files (the first one's package is the main WIT package) and every type
   * they reach. Throws with every naming conflict that could not be resolved, each with its source.
   */
  public Binding translate(List<FileDescriptor> files) throws ContractException {
    return new ProtoTranslation(version).translate(files);
  }
}
