package dev.switchboard.wit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BindingTest {
  @Test
  void protoBindingRoundTripsThroughJsonAndPrintsIdentically() throws Exception {
    Binding b =
        ProtoTranslator.withVersion("1.0.0")
            .translate(Protoc.compile(Fixtures.protoRoot(), "todo.proto"));
    roundTrip(b);
    WitField userId =
        b.mainPackage()
            .findInterface("types")
            .orElseThrow()
            .findType("todo-list-request")
            .orElseThrow()
            .members()
            .get(0);
    assertThat(userId.origin().ref()).isEqualTo("core.todo.v1.TodoListRequest.user_id");
    assertThat(userId.origin().number()).isEqualTo(1);
    assertThat(userId.origin().attribute("proto-type")).isEqualTo("string");
    assertThat(userId.origin().attribute("json-name")).isEqualTo("userId");
    WitField todos =
        b.mainPackage()
            .findInterface("types")
            .orElseThrow()
            .findType("todo-list-response")
            .orElseThrow()
            .members()
            .get(0);
    assertThat(todos.origin().attribute("type-name")).isEqualTo("core.todo.v1.TodoObject");
    assertThat(todos.origin().attribute("repeated")).isEqualTo("true");
    WitFunction add =
        b.mainPackage()
            .findInterface("todo-service")
            .orElseThrow()
            .findFunction("todo-add")
            .orElseThrow();
    assertThat(add.origin().attribute("path")).isEqualTo("/core.todo.v1.TodoService/TodoAdd");
    assertThat(add.origin().attribute("shape")).isEqualTo("unary");
  }

  @Test
  void openApiBindingRecordsWhatAStubNeeds() throws Exception {
    Binding b =
        OpenApiTranslator.create()
            .translate(OpenApiContract.load("src/test/resources/openapi/todo-openapi.yaml"));
    roundTrip(b);
    assertThat(b.mainPackage().origin().attribute("servers")).isEqualTo("/api/v1");
    WitInterface collection = b.mainPackage().findInterface("todos-collection").orElseThrow();
    WitFunction list = collection.findFunction("list").orElseThrow();
    assertThat(list.origin().attribute("method")).isEqualTo("GET");
    assertThat(list.origin().attribute("path")).isEqualTo("/todos");
    assertThat(list.responses())
        .extracting(o -> o.attribute("status") + "=" + o.attribute("maps-to"))
        .containsExactly(
            "200=ok",
            "400=error.validation-error",
            "401=error.unauthorized",
            "429=error.rate-limited",
            "500=error.server-error");
    assertThat(list.responses().get(3).attribute("retry-after")).isEqualTo("header");
    WitType request = collection.findType("list-request").orElseThrow();
    WitField auth = request.members().get(0);
    assertThat(auth.role()).isEqualTo(WitField.Role.AUTH);
    assertThat(auth.origin().attribute("scheme.bearerAuth")).isEqualTo("http bearer");
    WitField limit =
        request.members().stream().filter(f -> f.name().equals("limit")).findFirst().orElseThrow();
    assertThat(limit.origin().attribute("in")).isEqualTo("query");
    assertThat(limit.origin().name()).isEqualTo("limit");
    assertThat(limit.rules().minimum()).isEqualByComparingTo("1");
    assertThat(limit.rules().maximum()).isEqualByComparingTo("100");
    WitType response = collection.findType("list-response").orElseThrow();
    assertThat(response.members())
        .filteredOn(f -> f.role() == WitField.Role.VERSION)
        .extracting(f -> f.origin().name())
        .containsExactly("ETag");
    assertThat(response.members())
        .filteredOn(f -> f.role() == WitField.Role.LAST_UPDATED)
        .extracting(f -> f.origin().name())
        .containsExactly("Last-Modified");
    WitField title =
        b.mainPackage()
            .findInterface("types")
            .orElseThrow()
            .findType("todo")
            .orElseThrow()
            .members()
            .get(1);
    assertThat(title.rules().minLength()).isEqualTo(1);
    assertThat(title.rules().maxLength()).isEqualTo(200);
    assertThat(title.rules().required()).isTrue();
  }

  @Test
  void buildersDeriveChangedCopies() throws Exception {
    Binding b =
        ProtoTranslator.withVersion("1.0.0")
            .translate(Protoc.compile(Fixtures.protoRoot(), "todo.proto"));
    WitPackage main = b.mainPackage();
    WitPackage renamed = main.toBuilder().version("2.0.0").build();
    assertThat(renamed.version()).isEqualTo("2.0.0");
    assertThat(renamed.toBuilder().version("1.0.0").build()).isEqualTo(main);
    WitField field =
        WitField.builder()
            .name("x")
            .type(WitTypeRef.primitive("u32"))
            .origin(Origin.of(Origin.Kind.SYNTHETIC, "x"))
            .build();
    assertThat(field.rules()).isEqualTo(Rules.NONE);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> WitField.builder().name("x").build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("origin");
  }

  @Test
  void translationIsDeterministic() throws Exception {
    var first =
        WitPrinter.files(
            OpenApiTranslator.create()
                .translate(OpenApiContract.load("src/test/resources/openapi/todo-openapi.yaml")));
    var second =
        WitPrinter.files(
            OpenApiTranslator.create()
                .translate(OpenApiContract.load("src/test/resources/openapi/todo-openapi.yaml")));
    assertThat(second).isEqualTo(first);
    var protoFirst =
        WitPrinter.files(
            ProtoTranslator.withVersion("1.0.0")
                .translate(
                    Protoc.compile(Path.of("src/test/resources/proto"), "adversarial.proto")));
    var protoSecond =
        WitPrinter.files(
            ProtoTranslator.withVersion("1.0.0")
                .translate(
                    Protoc.compile(Path.of("src/test/resources/proto"), "adversarial.proto")));
    assertThat(protoSecond).isEqualTo(protoFirst);
  }

  private static void roundTrip(Binding b) throws Exception {
    String json = BindingJson.create().write(b);
    Binding back = BindingJson.create().read(json);
    assertThat(back).isEqualTo(b);
    assertThat(WitPrinter.files(back)).isEqualTo(WitPrinter.files(b));
    assertThat(BindingJson.create().write(back)).isEqualTo(json);
  }
}
