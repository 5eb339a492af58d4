package dev.switchboard.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.MethodDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractSetTest {
  static FileDescriptorSet shop;

  @BeforeAll
  static void compile(@TempDir Path dir) throws Exception {
    shop = Protoc.compile(dir, "shop/v1/orders.proto");
  }

  @Test
  void linksFilesGivenInAnyOrder() throws Exception {
    List<FileDescriptorProto> reversed = new ArrayList<>(shop.getFileList());
    Collections.reverse(reversed);

    ContractSet set = ContractSet.link(reversed);

    assertThat(set.files())
        .extracting(f -> f.getName())
        .containsExactlyInAnyOrder(
            "google/protobuf/any.proto",
            "google/protobuf/timestamp.proto",
            "shop/v1/common.proto",
            "shop/v1/orders.proto");
    assertThat(set.files().get(set.files().size() - 1).getName()).isEqualTo("shop/v1/orders.proto");
    assertThat(set.services()).extracting(s -> s.getFullName()).containsExactly("shop.v1.Orders");
    assertThat(set.message("shop.v1.Order.Item")).isPresent();
    assertThat(set.message(".shop.v1.Money")).isPresent();
    assertThat(set.symbol("shop.v1.Order.Status")).isPresent();
    assertThat(set.symbol("shop.v1.Orders.GetOrder")).isPresent();
    assertThat(set.service("shop.v1.Money")).isEmpty();
  }

  @Test
  void suppliesBundledWellKnownTypesWhenTheSetLeavesThemOut() throws Exception {
    List<FileDescriptorProto> withoutWkt =
        shop.getFileList().stream().filter(f -> !f.getName().startsWith("google/")).toList();

    ContractSet set = ContractSet.link(withoutWkt);

    assertThat(set.message("google.protobuf.Timestamp")).isPresent();
  }

  @Test
  void reportsEveryMissingImportWithTheFileThatWantsIt() {
    List<FileDescriptorProto> withoutCommon =
        shop.getFileList().stream()
            .filter(f -> !f.getName().equals("shop/v1/common.proto"))
            .toList();
    FileDescriptorProto other =
        FileDescriptorProto.newBuilder()
            .setName("other.proto")
            .addDependency("missing/thing.proto")
            .build();
    List<FileDescriptorProto> input = new ArrayList<>(withoutCommon);
    input.add(other);

    assertThatThrownBy(() -> ContractSet.link(input))
        .isInstanceOfSatisfying(
            ContractException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new ContractProblem(
                            "shop/v1/orders.proto",
                            "import \"shop/v1/common.proto\" was not found among the contract's files"),
                        new ContractProblem(
                            "other.proto",
                            "import \"missing/thing.proto\" was not found among the contract's files")));
  }

  @Test
  void reportsImportCycles() {
    FileDescriptorProto a =
        FileDescriptorProto.newBuilder().setName("a.proto").addDependency("b.proto").build();
    FileDescriptorProto b =
        FileDescriptorProto.newBuilder().setName("b.proto").addDependency("a.proto").build();

    assertThatThrownBy(() -> ContractSet.link(List.of(a, b)))
        .isInstanceOf(ContractException.class)
        .hasMessageContaining("import cycle: a.proto -> b.proto -> a.proto");
  }

  @Test
  void reportsDescriptorsThatDoNotValidate() {
    FileDescriptorProto bad =
        FileDescriptorProto.newBuilder()
            .setName("bad.proto")
            .setPackage("p")
            .addMessageType(
                com.google.protobuf.DescriptorProtos.DescriptorProto.newBuilder()
                    .setName("M")
                    .addField(
                        com.google.protobuf.DescriptorProtos.FieldDescriptorProto.newBuilder()
                            .setName("x")
                            .setNumber(1)
                            .setTypeName(".p.Nope")
                            .setLabel(
                                com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label
                                    .LABEL_OPTIONAL)))
            .build();

    assertThatThrownBy(() -> ContractSet.link(List.of(bad)))
        .isInstanceOfSatisfying(
            ContractException.class,
            e -> {
              assertThat(e.problems()).hasSize(1);
              assertThat(e.problems().get(0).location()).isEqualTo("bad.proto: p.M.x");
              assertThat(e.problems().get(0).message()).contains("p.Nope");
            });
  }

  @Test
  void findsMethodsInBothSpellings() throws Exception {
    ContractSet set = ContractSet.link(shop.getFileList());

    MethodDescriptor slash = set.method("shop.v1.Orders/GetOrder");
    MethodDescriptor dot = set.method("shop.v1.Orders.GetOrder");
    MethodDescriptor path = set.method("/shop.v1.Orders/Chat");

    assertThat(slash).isSameAs(dot);
    assertThat(slash.getInputType().getFullName()).isEqualTo("shop.v1.GetOrderRequest");
    assertThat(path.isClientStreaming() && path.isServerStreaming()).isTrue();
  }

  @Test
  void unknownMethodListsTheNearestNames() throws Exception {
    ContractSet set = ContractSet.link(shop.getFileList());

    assertThatThrownBy(() -> set.method("shop.v1.Orders/GetOrdr"))
        .isInstanceOf(ContractException.class)
        .hasMessageStartingWith(
            "shop.v1.Orders/GetOrdr: service shop.v1.Orders has no method GetOrdr; "
                + "nearest names: shop.v1.Orders/GetOrder, ");
    assertThatThrownBy(() -> set.method("shop.Orders/GetOrder"))
        .isInstanceOf(ContractException.class)
        .hasMessageStartingWith(
            "shop.Orders/GetOrder: no service shop.Orders; nearest names: shop.v1.Orders/GetOrder");
    assertThatThrownBy(() -> set.requireSymbol("shop.v1.Mony"))
        .isInstanceOf(ContractException.class)
        .hasMessageStartingWith(
            "shop.v1.Mony: no symbol shop.v1.Mony; nearest names: shop.v1.Money");
  }

  @Test
  void roundTripsThroughADescriptorSet() throws Exception {
    ContractSet set = ContractSet.link(shop.getFileList());

    FileDescriptorSet written = set.toDescriptorSet();
    ContractSet again = ContractSet.link(written.getFileList());

    assertThat(written.getFileList()).containsExactlyInAnyOrderElementsOf(shop.getFileList());
    assertThat(again.symbolNames()).isEqualTo(set.symbolNames());
  }

  @Test
  void plusJoinsSetsAndKeepsSharedFilesOnce() throws Exception {
    ContractSet orders = ContractSet.link(shop.getFileList());
    ContractSet health = ContractSet.of(List.of(io.grpc.health.v1.HealthProto.getDescriptor()));

    ContractSet both = orders.plus(health).plus(orders);

    assertThat(both.services())
        .extracting(s -> s.getFullName())
        .containsExactly("grpc.health.v1.Health", "shop.v1.Orders");
    assertThat(both.files()).extracting(f -> f.getName()).doesNotHaveDuplicates();
  }
}
