package dev.switchboard.wit;

import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.wit.internal.OpenApiTranslation;
import java.util.function.Consumer;

/**
 * Translates an OpenAPI 3.0 document into a {@link Binding}: the package is the sanitised {@code
 * info.title} at {@code info.version}; schemas become the interface {@code types}; paths become
 * collection and resource interfaces.
 */
public final class OpenApiTranslator {
  private final Consumer<String> progress;

  private OpenApiTranslator(Consumer<String> progress) {
    this.progress = progress;
  }

  public static OpenApiTranslator create() {
    return new OpenApiTranslator(message -> {});
  }

  /** A translator that reports progress on large documents to {@code progress}. */
  public OpenApiTranslator progress(Consumer<String> listener) {
    return new OpenApiTranslator(listener);
  }

  /**
   * Translates a loaded document. swagger-parser's own notes are carried into the Binding's
   * warnings; every error (dangling {@code $ref}, unresolvable name conflict) is thrown together,
   * located.
   */
  public Binding translate(OpenApiContract contract) throws ContractException {
    Binding b = new OpenApiTranslation(contract.model(), contract.location(), progress).translate();
    if (contract.warnings().isEmpty()) {
      return b;
    }
    java.util.List<Binding.Warning> all = new java.util.ArrayList<>();
    contract.warnings().forEach(w -> all.add(new Binding.Warning(w.location(), w.message())));
    all.addAll(b.warnings());
    return new Binding(b.source(), b.packages(), all);
  }
}
