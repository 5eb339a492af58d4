package dev.switchboard.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.messaging.shop.Item;
import dev.switchboard.messaging.shop.OrderPlaced;
import dev.switchboard.messaging.shop.OrdersProto;
import dev.switchboard.messaging.v1.Pattern;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MethodBindingTest {
  @TempDir Path temp;

  private static MethodBinding binding(List<MethodBinding> bindings, String method) {
    return bindings.stream()
        .filter(b -> b.method().getName().equals(method))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void patternsSubjectsAndGroupsComeFromTheOptions() {
    List<MethodBinding> bindings =
        MethodBinding.of(OrdersProto.getDescriptor().findServiceByName("Orders"));
    MethodBinding placed = binding(bindings, "Placed");
    assertThat(placed.pattern()).isEqualTo(Pattern.PUBLISH_SUBSCRIBE);
    assertThat(placed.filter()).isEqualTo("orders.*.placed");
    assertThat(placed.group()).contains("order-service");
    MethodBinding quote = binding(bindings, "Quote");
    assertThat(quote.pattern()).isEqualTo(Pattern.REQUEST_RESPONSE);
    assertThat(quote.subjectTemplate()).isEqualTo("shop.orders.Quote");
    assertThat(quote.idempotent()).isTrue();
    assertThat(quote.deadline()).isEqualTo(Duration.ofSeconds(5));
    assertThat(binding(bindings, "Fulfil").subjectTemplate()).isEqualTo("fulfilment");
    assertThat(binding(bindings, "Reload").pattern()).isEqualTo(Pattern.BROADCAST);
    assertThat(binding(bindings, "Poke").pattern()).isEqualTo(Pattern.NOTIFICATION);
  }

  @Test
  void templatesAreFilledFromTheInputAndBadValuesNamed() {
    MethodBinding placed =
        binding(
            MethodBinding.of(OrdersProto.getDescriptor().findServiceByName("Orders")), "Placed");
    OrderPlaced order =
        OrderPlaced.newBuilder()
            .setOrderId("o1")
            .setRegion("eu")
            .addItems(Item.newBuilder().setSku("abc").setQuantity(1))
            .build();
    assertThat(placed.subject(order)).isEqualTo("orders.eu.placed");
    assertThatThrownBy(() -> placed.subject(order.toBuilder().setRegion("e.u").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .startsWith("shop.v1.Orders/Placed: field region = 'e.u' cannot fill {region}");
            });
    assertThatThrownBy(() -> placed.subject(order.toBuilder().setRegion("").build()))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void aContractLoadedAtRunTimeBindsTheSame() throws Exception {
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
    ServiceDescriptor orders = contract.service("shop.v1.Orders").orElseThrow();
    MethodBinding placed = binding(MethodBinding.of(orders), "Placed");
    assertThat(placed.pattern()).isEqualTo(Pattern.PUBLISH_SUBSCRIBE);
    assertThat(placed.filter()).isEqualTo("orders.*.placed");
  }

  @Test
  void everyBrokenTemplateIsReportedWithItsMethod() throws Exception {
    Path imports = MethodBinding.writeImports(temp.resolve("imports"));
    Path protos = temp.resolve("protos");
    Files.createDirectories(protos);
    Files.writeString(
        protos.resolve("bad.proto"),
        """
        syntax = "proto3";
        package bad;
        import "switchboard/messaging/v1/options.proto";
        message In { string name = 1; repeated string tags = 2; In child = 3; bytes blob = 4; }
        message Out {}
        service Broken {
          rpc A(In) returns (Out) { option (switchboard.messaging.v1.method) = {subject: "x.{nope}"}; }
          rpc B(In) returns (Out) { option (switchboard.messaging.v1.method) = {subject: "x.{tags}"}; }
          rpc C(In) returns (Out) { option (switchboard.messaging.v1.method) = {pattern: WORK_QUEUE, subject: "q.{name}"}; }
          rpc D(In) returns (Out) { option (switchboard.messaging.v1.method) = {subject: "x.{child}"}; }
          rpc E(In) returns (Out) { option (switchboard.messaging.v1.method) = {subject: "x..y"}; }
          rpc F(In) returns (Out) { option (switchboard.messaging.v1.method) = {subject: "x.{child.name}"}; }
        }
        """);
    ContractSet contract =
        ContractLoader.builder()
            .importPath(protos)
            .importPath(imports)
            .build()
            .protos(List.of("bad.proto"));
    assertThatThrownBy(() -> MethodBinding.of(contract.service("bad.Broken").orElseThrow()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.Broken/A: subject 'x.{nope}': bad.In has no field 'nope'")
        .hasMessageContaining("bad.Broken/B: subject 'x.{tags}': {tags} is a repeated field")
        .hasMessageContaining(
            "bad.Broken/C: subject 'q.{name}': WORK_QUEUE needs a literal queue or group name")
        .hasMessageContaining("bad.Broken/D: subject 'x.{child}': {child} must end at a string")
        .hasMessageContaining("bad.Broken/E: subject 'x..y' has an empty token")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Broken/F"));
  }
}
