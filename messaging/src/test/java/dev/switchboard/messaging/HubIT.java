package dev.switchboard.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.switchboard.messaging.internal.proto.ClientBatch;
import dev.switchboard.messaging.internal.proto.ClientFrame;
import dev.switchboard.messaging.internal.proto.Envelope;
import dev.switchboard.messaging.internal.proto.Hello;
import dev.switchboard.messaging.internal.proto.HubBatch;
import dev.switchboard.messaging.internal.proto.HubFrame;
import dev.switchboard.messaging.internal.proto.HubGrpc;
import dev.switchboard.messaging.internal.proto.Push;
import dev.switchboard.runtime.DevCertificates;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.TlsConfig;
import dev.switchboard.testing.Await;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the embedded hub does beyond the pattern contract: security, limits, transports, durability.
 */
class HubIT {
  @TempDir Path temp;

  private static Messaging client(MessagingHub hub, String name) {
    return Messaging.builder(hub.target().toString()).plaintext().name(name).build();
  }

  @Test
  void mtlsClientsAreKnownByTheirCertificateAndHeldToTheirAllowList() throws Exception {
    DevCertificates dev = DevCertificates.generate();
    HubPermissions permissions =
        HubPermissions.builder()
            .allowPublish("switchboard-dev-client", "orders.>")
            .allowSubscribe("switchboard-dev-client", "orders.*")
            .build();
    try (MessagingHub hub =
            MessagingHub.builder("localhost:0")
                .tls(dev.serverTls().requireClientAuth())
                .permissions(permissions)
                .start();
        Messaging messaging =
            Messaging.builder(hub.target().toString()).tls(dev.clientTls()).name("m").build()) {
      BlockingQueue<Message> got = new LinkedBlockingQueue<>();
      messaging.subscribe("orders.*", got::add);
      messaging.publish(Message.ofText("orders.eu", "ok"));
      assertThat(got.poll(10, TimeUnit.SECONDS)).isNotNull();

      Subscription refused = messaging.subscribe("payments.*", m -> {});
      assertThat(refused.closed().toCompletableFuture().get(10, TimeUnit.SECONDS).getCode())
          .isEqualTo(Status.Code.PERMISSION_DENIED);

      messaging.publish(Message.ofText("payments.eu", "no"));
      assertThatThrownBy(() -> messaging.flush(Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo("switchboard-dev-client may not send to subject payments.eu");
              });
      messaging.flush(Duration.ofSeconds(10));
    }
  }

  @Test
  void aClientWithoutACertificateCannotConnectToAnMtlsHub() throws Exception {
    DevCertificates dev = DevCertificates.generate();
    try (MessagingHub hub =
        MessagingHub.builder("localhost:0").tls(dev.serverTls().requireClientAuth()).start()) {
      assertThatThrownBy(
              () ->
                  Messaging.builder(hub.target().toString())
                      .tls(TlsConfig.trustOnly(dev.caCertificate()))
                      .connectTimeout(Duration.ofSeconds(2))
                      .build())
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void tokensMapToIdentitiesAndUnknownTokensAreRefused() throws Exception {
    HubPermissions permissions =
        HubPermissions.builder()
            .allowPublish("producer", "jobs")
            .allowSubscribe("worker", "jobs")
            .build();
    try (MessagingHub hub =
        MessagingHub.builder("localhost:0")
            .token("p-secret", "producer")
            .token("w-secret", "worker")
            .permissions(permissions)
            .start()) {
      String target = hub.target().toString();
      try (Messaging producer = Messaging.builder(target).plaintext().token("p-secret").build();
          Messaging worker = Messaging.builder(target).plaintext().token("w-secret").build()) {
        producer.push(Message.ofText("jobs", "j")).get(10, TimeUnit.SECONDS);
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        worker.consume("jobs", ConsumerOptions.defaults(), got::add);
        got.poll(10, TimeUnit.SECONDS).ack();

        assertThatThrownBy(() -> worker.push(Message.ofText("jobs", "x")).get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(
                () -> producer.request(Message.ofText("prices", "x"), RequestOptions.defaults()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
      }
      assertThatThrownBy(() -> Messaging.builder(target).plaintext().token("wrong").build())
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getMessage()).doesNotContain("wrong");
              });
      try (Messaging anonymous = Messaging.builder(target).plaintext().build()) {
        assertThatThrownBy(() -> anonymous.push(Message.ofText("jobs", "x")).get())
            .as("anonymous may do nothing when permissions are set")
            .cause()
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
      }
    }
  }

  @Test
  void theHubServesUnixSocketsAndInProcessClients() throws Exception {
    Path socket = temp.resolve("hub.sock");
    for (String target : List.of("unix:" + socket, "inproc:hub-it")) {
      try (MessagingHub hub = MessagingHub.builder(target).start();
          Messaging a = Messaging.builder(target).name("a").build();
          Messaging b = Messaging.builder(target).name("b").build()) {
        a.respond("echo", "g", request -> request.data());
        assertThat(b.request(Message.ofText("echo", target), RequestOptions.defaults()).text())
            .isEqualTo(target);
      }
    }
  }

  @Test
  void oversizedMessagesAreRefusedAndTheHubCarriesOn() throws Exception {
    try (MessagingHub hub = MessagingHub.builder("localhost:0").maxMessageBytes(1024).start();
        Messaging messaging = client(hub, "m")) {
      assertThatThrownBy(() -> messaging.publish(Message.of("big", new byte[2048])))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
      // A client that ignores the limit it was told: the hub refuses the push itself.
      HubFrame answer =
          rawExchange(
              hub,
              ClientFrame.newBuilder()
                  .setPush(
                      Push.newBuilder()
                          .setSeq(1)
                          .setMessage(
                              Envelope.newBuilder()
                                  .setSubject("jobs")
                                  .setData(ByteString.copyFrom(new byte[4096]))))
                  .build());
      assertThat(answer.getResult().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
      messaging.respond("still", "g", r -> ByteString.copyFromUtf8("here"));
      assertThat(messaging.request(Message.ofText("still", ""), RequestOptions.defaults()).text())
          .isEqualTo("here");
    }
  }

  @Test
  void garbageOnThePortClosesThatConnectionOnly() throws Exception {
    try (MessagingHub hub = MessagingHub.builder("localhost:0").start();
        Messaging messaging = client(hub, "m")) {
      for (int i = 0; i < 5; i++) {
        try (Socket socket = new Socket("localhost", hub.target().port())) {
          OutputStream out = socket.getOutputStream();
          out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u0001garbage".getBytes());
          out.flush();
          socket.getInputStream().read();
        }
      }
      messaging.respond("alive", "g", r -> ByteString.copyFromUtf8("yes"));
      assertThat(messaging.request(Message.ofText("alive", ""), RequestOptions.defaults()).text())
          .isEqualTo("yes");
    }
  }

  @Test
  void healthReflectionAndPrometheusMetricsAreServed() throws Exception {
    try (MessagingHub hub =
            MessagingHub.builder("localhost:0")
                .metricsAddress(new InetSocketAddress("127.0.0.1", 0))
                .start();
        Messaging messaging = client(hub, "m")) {
      messaging.subscribe("m.x", m -> {});
      messaging.publish(Message.ofText("m.x", "1"));
      messaging.flush(Duration.ofSeconds(10));
      ManagedChannel channel = SwitchboardChannel.builder(hub.target()).plaintext().build();
      try {
        HealthCheckResponse health =
            HealthGrpc.newBlockingStub(channel)
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService("switchboard.messaging.hub.v1.Hub")
                        .build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        channel.shutdownNow();
      }
      InetSocketAddress metrics = hub.metricsAddress();
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + metrics.getPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(response.body())
          .contains("switchboard_hub_published_total 1.0")
          .contains("switchboard_hub_sessions 1.0")
          .contains("switchboard_hub_delivered_total 1.0");
    }
  }

  @Test
  void confirmedPushesSurviveAHubRestartOnTheSameDataDirectory() throws Exception {
    Path data = temp.resolve("data");
    int total = 2000;
    try (MessagingHub hub = MessagingHub.builder("localhost:0").dataDirectory(data).start();
        Messaging producer = client(hub, "p")) {
      List<CompletableFuture<Void>> pushes = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        pushes.add(
            producer.push(
                Message.builder("orders")
                    .data(ByteString.copyFromUtf8("o" + i))
                    .id("o" + i)
                    .build()));
      }
      CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      // Half are consumed and acknowledged before the restart.
      Set<String> consumed = ConcurrentHashMap.newKeySet();
      try (Messaging consumer = client(hub, "c")) {
        consumer.consume(
            "orders",
            ConsumerOptions.defaults(),
            d -> {
              if (consumed.size() < total / 2) {
                consumed.add(d.message().text());
                d.ack();
              }
            });
        Await.until("half consumed", Duration.ofSeconds(20), () -> consumed.size() == total / 2);
        consumer.flush(Duration.ofSeconds(10));
      }
    }
    try (MessagingHub hub = MessagingHub.builder("localhost:0").dataDirectory(data).start();
        Messaging producer = client(hub, "p");
        Messaging consumer = client(hub, "c")) {
      // Ids are remembered across the restart: these are duplicates.
      producer
          .push(Message.builder("orders").data(ByteString.copyFromUtf8("o0")).id("o0").build())
          .get(10, TimeUnit.SECONDS);
      Set<String> rest = ConcurrentHashMap.newKeySet();
      consumer.consume(
          "orders",
          ConsumerOptions.defaults(),
          d -> {
            rest.add(d.message().text());
            d.ack();
          });
      Await.until("the other half", Duration.ofSeconds(20), () -> rest.size() >= total / 2);
      Thread.sleep(200);
      assertThat(rest).hasSize(total / 2);
    }
  }

  /** Opens a raw session, sends Hello and {@code frame}, and returns the first Result. */
  private static HubFrame rawExchange(MessagingHub hub, ClientFrame frame) throws Exception {
    ManagedChannel channel = SwitchboardChannel.builder(hub.target()).plaintext().build();
    try {
      CompletableFuture<HubFrame> result = new CompletableFuture<>();
      StreamObserver<ClientBatch> requests =
          HubGrpc.newStub(channel)
              .session(
                  new StreamObserver<HubBatch>() {
                    @Override
                    public void onNext(HubBatch batch) {
                      for (HubFrame f : batch.getFramesList()) {
                        if (f.hasResult()) {
                          result.complete(f);
                        }
                      }
                    }

                    @Override
                    public void onError(Throwable t) {
                      result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          ClientBatch.newBuilder()
              .addFrames(ClientFrame.newBuilder().setHello(Hello.newBuilder().setPeer("raw")))
              .addFrames(frame)
              .build());
      return result.get(10, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow();
    }
  }
}
