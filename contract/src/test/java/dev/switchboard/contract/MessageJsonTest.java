package dev.switchboard.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageJsonTest {
  static ContractSet set;
  static Descriptor order;

  @BeforeAll
  static void load(@TempDir Path dir) throws Exception {
    set = ContractSet.link(Protoc.compile(dir, "shop/v1/orders.proto").getFileList());
    order = set.message("shop.v1.Order").orElseThrow();
  }

  @Test
  void roundTripsEveryKindOfField() throws Exception {
    String json =
        "{\"id\":\"o-1\",\"items\":[{\"name\":\"pen\",\"quantity\":2,\"price\":{\"currency\":\"EUR\",\"units\":\"3\"}}],"
            + "\"labels\":{\"a\":\"b\"},\"itemsBySku\":{\"s1\":{\"name\":\"ink\"}},\"created\":\"2024-01-02T03:04:05Z\","
            + "\"note\":\"\",\"voucher\":\"V\",\"extra\":{\"@type\":\"type.googleapis.com/shop.v1.Money\",\"units\":\"5\"},"
            + "\"status\":\"SHIPPED\"}";

    DynamicMessage message = set.json().parse(json, order);

    assertThat(set.json().print(message, false)).isEqualTo(json);
  }

  @Test
  void acceptsProtoFieldNamesAndPrintsDefaultsOnRequest() throws Exception {
    DynamicMessage message = set.json().parse("{\"items_by_sku\": {}, \"id\": \"x\"}", order);

    assertThat(set.json().print(message, false)).isEqualTo("{\"id\":\"x\"}");
    assertThat(set.json().print(message, true))
        .isEqualTo(
            "{\"id\":\"x\",\"items\":[],\"labels\":{},\"itemsBySku\":{},\"status\":\"STATUS_UNSPECIFIED\"}");
  }

  @Test
  void locatesAWrongValueDeepInsideByFieldPath() {
    String json =
        "{\"items\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\",\"quantity\":\"many\"}]}";

    assertThatThrownBy(() -> set.json().parse(json, order))
        .isInstanceOfSatisfying(
            ContractException.class,
            e -> {
              assertThat(e.problems()).hasSize(1);
              assertThat(e.problems().get(0).location()).isEqualTo("$.items[2].quantity");
              assertThat(e.problems().get(0).message()).contains("many");
            });
  }

  @Test
  void reportsEveryProblemNotOnlyTheFirst() {
    String json =
        "{\"idd\":\"x\",\"itemsBySku\":{\"s 1\":{\"price\":{\"currency\":\"YEN\"}}},"
            + "\"created\":\"yesterday\",\"status\":7.5,\"items\":{}}";

    assertThatThrownBy(() -> set.json().parse(json, order))
        .isInstanceOfSatisfying(
            ContractException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(ContractProblem::location)
                  .containsExactly(
                      "$.idd",
                      "$.itemsBySku[\"s 1\"].price.currency",
                      "$.created",
                      "$.status",
                      "$.items");
              assertThat(e.problems().get(0).message())
                  .isEqualTo(
                      "message shop.v1.Order has no field \"idd\"; nearest names: id, card, items, note, extra");
              assertThat(e.problems().get(1).message()).contains("YEN");
            });
  }

  @Test
  void locatesSyntaxErrorsByLineAndColumn() {
    assertThatThrownBy(() -> set.json().parse("{\n  \"id\": \"x\",\n  \"note\" \"y\"\n}", order))
        .isInstanceOfSatisfying(
            ContractException.class,
            e -> {
              assertThat(e.problems()).hasSize(1);
              assertThat(e.problems().get(0).location()).isEqualTo("3:10");
              assertThat(e.problems().get(0).message()).startsWith("invalid JSON: ");
            });
  }

  @Test
  void reportsConflictingOneofMembersAtTheMessage() {
    assertThatThrownBy(() -> set.json().parse("{\"card\":\"c\",\"voucher\":\"v\"}", order))
        .isInstanceOfSatisfying(
            ContractException.class,
            e -> {
              assertThat(e.problems()).hasSize(1);
              assertThat(e.problems().get(0).location()).isEqualTo("$");
              assertThat(e.problems().get(0).message()).contains("oneof");
            });
  }

  @Test
  void rejectsANonObjectForAMessage() {
    assertThatThrownBy(() -> set.json().parse("[1]", order))
        .isInstanceOfSatisfying(
            ContractException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new ContractProblem(
                            "$",
                            "expected a JSON object for message shop.v1.Order, got an array")));
  }
}
