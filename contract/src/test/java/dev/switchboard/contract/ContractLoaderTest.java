package dev.switchboard.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractLoaderTest {
  @TempDir Path dir;

  @Test
  void compilesProtoSourceWithImportsAndBundledWellKnownTypes() throws Exception {
    ContractSet contract =
        ContractLoader.builder()
            .importPath(Protoc.TEST_PROTOS)
            .build()
            .protos(List.of("shop/v1/orders.proto"));

    assertThat(contract.method("shop.v1.Orders/Chat").isClientStreaming()).isTrue();
    assertThat(
            contract
                .message("shop.v1.Order")
                .orElseThrow()
                .findFieldByName("created")
                .getMessageType())
        .isSameAs(contract.message("google.protobuf.Timestamp").orElseThrow());
    assertThat(contract.files()).extracting(f -> f.getName()).contains("shop/v1/common.proto");
  }

  @Test
  void protoProblemsAreLocated() throws Exception {
    Files.writeString(
        dir.resolve("bad.proto"), "syntax = \"proto3\";\nmessage M {\n  strin x = 1;\n}\n");
    ContractLoader loader = ContractLoader.builder().importPath(dir).build();

    assertThatThrownBy(() -> loader.protos(List.of("bad.proto")))
        .isInstanceOfSatisfying(
            ContractException.class,
            e -> assertThat(e.problems().get(0).location()).isEqualTo("bad.proto:3:3"));
    assertThatThrownBy(() -> loader.protos(List.of()))
        .isInstanceOf(ContractException.class)
        .hasMessage("no .proto files given");
  }

  @Test
  void readsProtocDescriptorSetOutput() throws Exception {
    Path set = Protoc.descriptorSet(dir.resolve("orders.protoset"), "shop/v1/orders.proto");

    ContractSet contract = ContractLoader.builder().build().descriptorSet(set);

    assertThat(contract.method("shop.v1.Orders/ListOrders").isServerStreaming()).isTrue();
    assertThat(contract.message("google.protobuf.Timestamp")).isPresent();
  }

  @Test
  void descriptorSetWithoutImportsStillLinksTheWellKnownTypes() throws Exception {
    Path set = dir.resolve("common.protoset");
    Protoc.descriptorSet(set, "shop/v1/common.proto");

    assertThat(ContractLoader.builder().build().descriptorSet(set).message("shop.v1.Money"))
        .isPresent();
  }

  @Test
  void missingFileIsAnError() {
    Path missing = dir.resolve("nope.protoset");

    assertThatThrownBy(() -> ContractLoader.builder().build().descriptorSet(missing))
        .isInstanceOf(ContractException.class)
        .hasMessage(missing + ": no such file");
  }

  @Test
  void unreadableFileIsAnError() {
    assertThatThrownBy(() -> ContractLoader.builder().build().descriptorSet(dir))
        .isInstanceOf(ContractException.class)
        .hasMessageStartingWith(dir + ": cannot read the descriptor set");
  }

  @Test
  void garbageIsNotADescriptorSet() throws Exception {
    Path text =
        Files.writeString(dir.resolve("orders.proto"), "syntax = \"proto3\";\nmessage M {}\n");
    Path empty = Files.write(dir.resolve("empty.pb"), new byte[0]);
    Path random = Files.write(dir.resolve("random.pb"), new byte[] {(byte) 0xff, 0x01, 0x02, 0x03});
    ContractLoader loader = ContractLoader.builder().build();

    assertThatThrownBy(() -> loader.descriptorSet(text))
        .isInstanceOf(ContractException.class)
        .hasMessageStartingWith(text + ": ")
        .hasMessageContaining("descriptor_set_out");
    assertThatThrownBy(() -> loader.descriptorSet(empty))
        .isInstanceOf(ContractException.class)
        .hasMessage(empty + ": the descriptor set holds no files (the file is empty)");
    assertThatThrownBy(() -> loader.descriptorSet(random))
        .isInstanceOf(ContractException.class)
        .hasMessageStartingWith(random + ": ")
        .hasMessageContaining("descriptor_set_out");
  }

  @Test
  void descriptorSetMissingAnImportNamesIt() throws Exception {
    com.google.protobuf.DescriptorProtos.FileDescriptorSet full =
        Protoc.compile(dir, "shop/v1/orders.proto");
    com.google.protobuf.DescriptorProtos.FileDescriptorSet partial =
        com.google.protobuf.DescriptorProtos.FileDescriptorSet.newBuilder()
            .addAllFile(
                full.getFileList().stream()
                    .filter(f -> !f.getName().equals("shop/v1/common.proto"))
                    .toList())
            .build();
    Path set = Files.write(dir.resolve("partial.pb"), partial.toByteArray());

    assertThatThrownBy(() -> ContractLoader.builder().build().descriptorSet(set))
        .isInstanceOf(ContractException.class)
        .hasMessage(
            set
                + ": shop/v1/orders.proto: import \"shop/v1/common.proto\" was not found among the contract's files");
  }
}
