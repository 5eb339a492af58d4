package dev.switchboard.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.messaging.shop.Item;
import dev.switchboard.messaging.shop.OrderPlaced;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageValidatorTest {
  private final MessageValidator validator = MessageValidator.create();
  @TempDir Path temp;

  private static final OrderPlaced BAD =
      OrderPlaced.newBuilder()
          .setRegion("Europe")
          .addItems(Item.newBuilder().setSku("ab").setQuantity(0))
          .build();

  @Test
  void namesEveryFieldPathAndRule() {
    assertThat(validator.violations(BAD))
        .containsExactlyInAnyOrder(
            "order_id: string.min_len: must be at least 1 characters",
            "region: string.pattern: does not match regex pattern `^[a-z]{2}$`",
            "items[0].sku: string.min_len: must be at least 3 characters",
            "items[0].quantity: int32.gt: must be greater than 0");
    assertThatThrownBy(() -> validator.check(BAD))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .startsWith("shop.v1.OrderPlaced is invalid: ")
                  .contains("items[0].quantity: int32.gt");
            });
  }

  @Test
  void aValidMessagePasses() {
    validator.check(
        OrderPlaced.newBuilder()
            .setOrderId("o1")
            .setRegion("eu")
            .addItems(Item.newBuilder().setSku("abc").setQuantity(2))
            .build());
  }

  @Test
  void rulesOfAContractLoadedAtRunTimeApplyToDynamicMessages() throws Exception {
    Path imports = MethodBinding.writeImports(temp.resolve("imports"));
    Path protos = temp.resolve("protos");
    Files.createDirectories(protos.resolve("shop/v1"));
    Files.copy(
        Path.of("src/test/proto/shop/v1/orders.proto"), protos.resolve("shop/v1/orders.proto"));
    ContractSet contract =
        ContractLoader.builder()
            .importPath(protos)
            .importPath(imports)
            .build()
            .protos(List.of("shop/v1/orders.proto"));
    DynamicMessage dynamic =
        DynamicMessage.parseFrom(
            contract.message("shop.v1.OrderPlaced").orElseThrow(), BAD.toByteString());
    assertThat(validator.violations(dynamic))
        .hasSize(4)
        .contains("items[0].quantity: int32.gt: must be greater than 0");
  }
}
