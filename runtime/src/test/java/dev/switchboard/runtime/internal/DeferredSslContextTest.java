package dev.switchboard.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

class DeferredSslContextTest {

  @Test
  void theRealContextIsAskedForOnlyWhenAConnectionNeedsAnEngine() throws Exception {
    SslContext real = GrpcSslContexts.forClient().build();
    AtomicInteger asked = new AtomicInteger();
    DeferredSslContext deferred =
        new DeferredSslContext(
            true,
            () -> {
              asked.incrementAndGet();
              return real;
            });

    // What grpc-netty reads when a channel or server is built: answered without the context.
    assertThat(deferred.isClient()).isTrue();
    @SuppressWarnings("deprecation")
    var protocols = deferred.applicationProtocolNegotiator().protocols();
    assertThat(protocols).containsExactly("h2");
    assertThat(asked).hasValue(0);

    SSLEngine engine = deferred.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443);
    assertThat(engine.getUseClientMode()).isTrue();
    assertThat(asked).hasValue(1);
  }
}
