package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerMethodDefinition;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import org.junit.jupiter.api.Test;

class DynamicServiceTest {

  @Test
  void unknownMethodIsNamedWithTheMethodsThatExist() {
    assertThatThrownBy(
            () -> DynamicService.builder(EchoFixtures.SERVICE).unary("Nope", (req, resp) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "service switchboard.runtime.test.Echo has no method 'Nope' "
                + "(methods: Unary, ServerStream, ClientStream, Bidi)");
  }

  @Test
  void wrongShapeNamesTheMethodAndTheRightRegistrar() {
    assertThatThrownBy(
            () -> DynamicService.builder(EchoFixtures.SERVICE).unary("Bidi", (req, resp) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "method switchboard.runtime.test.Echo/Bidi is bidi streaming, not unary; "
                + "register it with bidiStreaming(...) instead of unary(...)");
    assertThatThrownBy(
            () ->
                DynamicService.builder(EchoFixtures.SERVICE).bidiStreaming("ServerStream", r -> r))
        .hasMessageContaining("Echo/ServerStream is server streaming");
  }

  @Test
  void aMethodGetsOneHandler() {
    DynamicService.Builder builder =
        DynamicService.builder(EchoFixtures.SERVICE).unary("Unary", (req, resp) -> {});
    assertThatThrownBy(
            () -> builder.unary("switchboard.runtime.test.Echo/Unary", (req, resp) -> {}))
        .hasMessage("method switchboard.runtime.test.Echo/Unary already has a handler");
  }

  @Test
  void definitionCoversEveryMethodAndCarriesTheDescriptorsForReflection() {
    DynamicService service =
        DynamicService.builder(EchoFixtures.SERVICE).unary("Unary", (req, resp) -> {}).build();
    assertThat(service.name()).isEqualTo("switchboard.runtime.test.Echo");
    assertThat(service.definition().getMethods())
        .extracting(method -> method.getMethodDescriptor().getType())
        .containsExactlyInAnyOrder(
            MethodType.UNARY,
            MethodType.SERVER_STREAMING,
            MethodType.CLIENT_STREAMING,
            MethodType.BIDI_STREAMING);
    Object schema = service.definition().getServiceDescriptor().getSchemaDescriptor();
    assertThat(schema).isInstanceOf(ProtoServiceDescriptorSupplier.class);
    assertThat(((ProtoServiceDescriptorSupplier) schema).getFileDescriptor())
        .isSameAs(EchoFixtures.SERVICE.getFile());
    ServerMethodDefinition<?, ?> bidi =
        service.definition().getMethod("switchboard.runtime.test.Echo/Bidi");
    assertThat(
            ((ProtoMethodDescriptorSupplier) bidi.getMethodDescriptor().getSchemaDescriptor())
                .getMethodDescriptor())
        .isSameAs(EchoFixtures.BIDI);
  }
}
