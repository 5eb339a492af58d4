package dev.switchboard.bridge;

import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.OpenApiTranslator;
import dev.switchboard.wit.ProtoTranslator;
import java.nio.file.Path;
import java.util.List;

/** The seed's two todo contracts, translated the way {@code sb wit --binding} does. */
final class Contracts {
  static final Path RESOURCES = Path.of("src/test/resources");

  private Contracts() {}

  static WitTypes todoOpenApi() throws Exception {
    return openApi(RESOURCES.resolve("openapi/todo-openapi.yaml"));
  }

  static WitTypes openApi(Path document) throws Exception {
    Binding b = OpenApiTranslator.create().translate(OpenApiContract.load(document.toString()));
    return WitTypes.of(b);
  }

  static WitTypes proto(Path dir, String file) throws Exception {
    ContractSet set = ContractLoader.builder().importPath(dir).build().protos(List.of(file));
    Binding b =
        ProtoTranslator.withVersion("1.0.0")
            .translate(set.files().stream().filter(f -> f.getName().equals(file)).toList());
    return WitTypes.of(b, set);
  }

  static WitTypes todoProto() throws Exception {
    return proto(Fixtures.protoRoot(), "todo.proto");
  }
}
