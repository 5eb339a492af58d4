package dev.switchboard.durable;

import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A worker process for the crash tests: it makes a fixed sequence of plain HTTP calls to an {@link
 * dev.switchboard.testing.EffectServer} (or, with {@code --grpc}, unary calls to {@link
 * GrpcEffects}) through {@link Worker#call}, prints each outcome, and can SIGKILL itself at a named
 * point of one call, so that a test can re-run it and check what survived.
 *
 * <p>Arguments: {@code OPLOG_URL PORT WORKER_ID CRASH [--calls N] [--pause-ms MS] [--host NAME]
 * [--lease-ttl-ms MS] [--await-ms MS] [--not-idempotent] [--grpc]} where CRASH is {@code none} or
 * {@code SEQ:POINT}, POINT one of {@code after-intent} (the intent is committed, nothing sent),
 * {@code after-send} (the request is written, no answer read), {@code after-response} (the answer
 * is read, not committed), {@code after-commit} (the outcome is committed).
 *
 * <p>The calls, repeated in rounds: {@code POST /effects/eN} (keyed), {@code GET /effects/eN}
 * (idempotent), a {@code run} step. Exit codes: 0 done, 3 an uncertain call, 4 the lease is held, 2
 * a divergence.
 */
public final class CrashingWorker {
  private final int port;
  private final long crashSeq;
  private final String crashPoint;
  private final boolean notIdempotent;
  // Set with --grpc: the calls go to GrpcEffects on PORT instead of an HTTP effect server.
  private final ManagedChannel grpc;

  private CrashingWorker(int port, String crash, boolean notIdempotent, boolean grpc) {
    this.port = port;
    this.notIdempotent = notIdempotent;
    this.grpc =
        grpc ? SwitchboardChannel.builder(Target.tcp("127.0.0.1", port)).plaintext().build() : null;
    if (crash.equals("none")) {
      crashSeq = -1;
      crashPoint = "";
    } else {
      String[] parts = crash.split(":");
      crashSeq = Long.parseLong(parts[0]);
      crashPoint = parts[1];
    }
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int port = Integer.parseInt(args[1]);
    String workerId = args[2];
    int calls = 6;
    long pauseMs = 0;
    String host = null;
    long leaseTtlMs = 15_000;
    long awaitMs = 0;
    boolean notIdempotent = false;
    boolean grpc = false;
    for (int i = 4; i < args.length; i++) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--pause-ms" -> pauseMs = Long.parseLong(args[++i]);
        case "--host" -> host = args[++i];
        case "--lease-ttl-ms" -> leaseTtlMs = Long.parseLong(args[++i]);
        case "--await-ms" -> awaitMs = Long.parseLong(args[++i]);
        case "--not-idempotent" -> notIdempotent = true;
        case "--grpc" -> grpc = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    CrashingWorker program = new CrashingWorker(port, args[3], notIdempotent, grpc);
    Durable.Builder builder =
        Durable.builder(OplogStore.open(url)).leaseTtl(Duration.ofMillis(leaseTtlMs));
    if (host != null) {
      builder.host(host);
    }
    try (Durable durable = builder.build();
        Worker worker =
            awaitMs > 0
                ? durable.awaitWorker(workerId, Duration.ofMillis(awaitMs))
                : durable.worker(workerId)) {
      System.out.println("acquired " + workerId);
      System.out.flush();
      program.run(worker, calls, pauseMs);
    } catch (UncertainCallException e) {
      System.err.println(e.getMessage());
      System.exit(3);
    } catch (LeaseException e) {
      System.err.println(e.getMessage());
      System.exit(4);
    } catch (DivergenceException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
    System.exit(0);
  }

  /** Makes the calls, printing each result as it comes, so a test can kill it mid-way. */
  private void run(Worker worker, int calls, long pauseMs) throws Exception {
    int printed = 0;
    for (int i = 0; printed < calls; i++) {
      String name = "e" + i;
      DurableCall post =
          DurableCall.builder("POST /effects/" + name)
              .idempotency(notIdempotent ? Idempotency.NOT_IDEMPOTENT : Idempotency.KEYED)
              .body(name.getBytes(StandardCharsets.UTF_8))
              .build();
      emit(step(worker, post, "POST", name));
      if (++printed == calls) {
        break;
      }
      DurableCall get =
          DurableCall.builder("GET /effects/" + name).idempotency(Idempotency.IDEMPOTENT).build();
      emit(step(worker, get, "GET", name));
      if (++printed == calls) {
        break;
      }
      long seq = worker.position();
      String local = worker.run("local-" + name, () -> "local " + name);
      crash(seq, "after-commit");
      emit("#" + seq + " " + local);
      printed++;
      if (pauseMs > 0) {
        Thread.sleep(pauseMs);
      }
    }
  }

  private static void emit(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private String step(Worker worker, DurableCall call, String method, String name) {
    long seq = worker.position();
    Outcome outcome = worker.call(call, key -> send(seq, method, "/effects/" + name, key));
    crash(seq, "after-commit");
    return "#" + seq + " " + outcome.describe();
  }

  private Outcome send(long seq, String method, String path, Optional<String> key)
      throws IOException {
    crash(seq, "after-intent");
    if (grpc != null) {
      return sendGrpc(seq, method, path.substring("/effects/".length()), key);
    }
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      StringBuilder request =
          new StringBuilder(
              method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
      key.ifPresent(k -> request.append("Idempotency-Key: ").append(k).append("\r\n"));
      request.append("Content-Length: 0\r\n\r\n");
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      crash(seq, "after-send");
      byte[] response = readAll(socket.getInputStream());
      crash(seq, "after-response");
      String text = new String(response, StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      String body = text.substring(text.indexOf("\r\n\r\n") + 4);
      return status == 200 ? Outcome.ok(body) : Outcome.error(status + " " + body);
    }
  }

  private Outcome sendGrpc(long seq, String method, String name, Optional<String> key)
      throws IOException {
    Metadata headers = new Metadata();
    key.ifPresent(k -> headers.put(GrpcEffects.KEY, k));
    MethodDescriptor<String, String> rpc =
        method.equals("POST") ? GrpcEffects.POST : GrpcEffects.GET;
    Future<String> answer =
        ClientCalls.futureUnaryCall(
            ClientInterceptors.intercept(grpc, MetadataUtils.newAttachHeadersInterceptor(headers))
                .newCall(rpc, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
            name);
    crash(seq, "after-send");
    String text;
    try {
      text = answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException failed) {
        crash(seq, "after-response");
        return Outcome.error(
            failed.getStatus().getCode() + " " + failed.getStatus().getDescription());
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    crash(seq, "after-response");
    return Outcome.ok(text);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    in.transferTo(buffer);
    return buffer.toByteArray();
  }

  /** SIGKILL from outside, as an OOM killer or a pulled plug would: no shutdown hooks, no flush. */
  private void crash(long seq, String point) {
    if (seq != crashSeq || !point.equals(crashPoint)) {
      return;
    }
    System.out.flush();
    try {
      new ProcessBuilder("kill", "-9", String.valueOf(ProcessHandle.current().pid()))
          .start()
          .waitFor();
      Thread.sleep(60_000);
    } catch (Exception e) {
      Runtime.getRuntime().halt(99);
    }
    Runtime.getRuntime().halt(99);
  }
}
