package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.wit.WitTypeRef;
import org.junit.jupiter.api.Test;

/** JSON typed by the Binding, and values checked against it, on the seed's two contracts. */
class WitJsonTest {

  @Test
  void openApiRequestsAreTheDocumentsJson() throws Exception {
    WitTypes types = Contracts.todoOpenApi();
    WitTypes.Function create = types.function("todos-collection.create");
    WitTypeRef request = create.function().params().get(0).type();
    WitValue value =
        Wave.parse(
            types,
            request,
            "{auth: {token: \"t0k\", scheme: \"Bearer\"}, title: \"Buy milk\", user-id: \"u1\"}");
    WitJson json = WitJson.of(types);
    String text = json.print(request, value);
    assertThat(text)
        .isEqualTo(
            "{\"auth\":{\"token\":\"t0k\",\"scheme\":\"Bearer\"},\"title\":\"Buy milk\",\"userId\":\"u1\"}");
    assertThat(json.parse(request, text)).isEqualTo(value);
    assertThat(Wave.print(json.parse(request, text)))
        .isEqualTo(
            "{auth: {token: \"t0k\", scheme: \"Bearer\"}, title: \"Buy milk\", user-id: \"u1\"}");
  }

  @Test
  void enumsUseTheContractsLiterals() throws Exception {
    WitTypes types = Contracts.todoOpenApi();
    WitTypeRef request = types.function("todos-collection.list").function().params().get(0).type();
    WitValue v =
        Wave.parse(
            types,
            request,
            "{auth: {token: \"t\", scheme: \"Bearer\"}, user-id: \"u\", sort-by: created-at, limit: 5}");
    assertThat(WitJson.of(types).print(request, v))
        .contains("\"sortBy\":\"createdAt\"", "\"limit\":5", "\"userId\":\"u\"");
  }

  @Test
  void badJsonNamesEveryProblemWithItsPath() throws Exception {
    WitTypes types = Contracts.todoOpenApi();
    WitTypeRef request =
        types.function("todos-collection.create").function().params().get(0).type();
    assertThatThrownBy(
            () ->
                WitJson.of(types)
                    .parse(
                        request, "{\"title\": 5, \"userID\": \"u\", \"auth\": {\"token\": \"t\"}}"))
        .isInstanceOf(ValueException.class)
        .satisfies(
            e ->
                assertThat(((ValueException) e).problems())
                    .extracting(Object::toString)
                    .containsExactlyInAnyOrder(
                        "auth.scheme: missing a string",
                        "title: expected string, got the number 5",
                        "user-id: missing property userId, a string",
                        "userID: unknown property of create-request (properties: auth, title, description, dueDate, userId)"));
    assertThatThrownBy(() -> WitJson.of(types).parse(request, "{\"title\": "))
        .isInstanceOf(ValueException.class)
        .hasMessageStartingWith("1:");
  }

  @Test
  void checkingSaysWhereAValueDoesNotFit() throws Exception {
    WitTypes types = Contracts.todoOpenApi();
    WitTypeRef request =
        types.function("todos-collection.create").function().params().get(0).type();
    WitValue bad =
        WitValue.record()
            .field("auth", WitValue.record().field("token", WitValue.string("t")).build())
            .field("title", WitValue.string("x"))
            .field("due-date", WitValue.u32(3))
            .field("user-id", WitValue.string("u"))
            .field("colour", WitValue.string("red"))
            .build();
    assertThatThrownBy(() -> types.check(request, bad, "request"))
        .isInstanceOf(ValueException.class)
        .satisfies(
            e ->
                assertThat(((ValueException) e).problems())
                    .extracting(Object::toString)
                    .containsExactly(
                        "request.auth.scheme: missing field of type string",
                        "request.due-date: expected option<string>, got u32",
                        "request.colour: unknown field of create-request (auth, title, description, due-date, user-id)"));
    WitValue good =
        types.check(
            request,
            WitValue.record()
                .field("user-id", WitValue.string("u"))
                .field("title", WitValue.string("x"))
                .field(
                    "auth",
                    WitValue.record()
                        .field("token", WitValue.string("t"))
                        .field("scheme", WitValue.string("Bearer"))
                        .build())
                .build(),
            "request");
    assertThat(Wave.print(good))
        .isEqualTo("{auth: {token: \"t\", scheme: \"Bearer\"}, title: \"x\", user-id: \"u\"}");
    assertThat(((WitValue.RecordValue) good).get("description")).isEqualTo(WitValue.none());
  }

  @Test
  void protoRequestsAreProto3Json() throws Exception {
    WitTypes types = Contracts.todoProto();
    WitTypes.Function add = types.function("todo-service.todo-add");
    WitTypeRef request = add.function().params().get(0).type();
    WitValue value = Wave.parse(types, request, "{user-id: \"u1\", task: \"Buy milk\"}");
    WitJson json = WitJson.of(types);
    assertThat(json.print(request, value)).isEqualTo("{\"userId\":\"u1\",\"task\":\"Buy milk\"}");
    assertThat(json.parse(request, "{\"user_id\":\"u1\",\"task\":\"Buy milk\"}")).isEqualTo(value);
    WitValue.ResultValue failed =
        json.parseResult(
            add,
            false,
            "{\"not-found\": {\"resource\": \"r\", \"id\": \"1\", \"message\": \"m\"}}");
    assertThat(Wave.print(failed))
        .isEqualTo("err(not-found({resource: \"r\", id: \"1\", message: \"m\"}))");
    assertThat(json.printResult(add, failed))
        .isEqualTo("{\"not-found\":{\"resource\":\"r\",\"id\":\"1\",\"message\":\"m\"}}");
  }

  @Test
  void unknownFunctionsSuggestTheirNeighbours() throws Exception {
    WitTypes types = Contracts.todoOpenApi();
    assertThatThrownBy(() -> types.function("todos-collection.crate"))
        .hasMessageContaining(
            "unknown function; did you mean todos-collection.list, todos-collection.create?");
    assertThat(types.function("api:todo/todos-resource.get").name())
        .isEqualTo("todos-resource.get");
    assertThat(WitTypes.signature(types.function("todos-resource.delete")))
        .isEqualTo(
            "todos-resource.delete: func(todo-id: string, auth: bearer-auth) -> result<delete-response, error>");
  }
}
