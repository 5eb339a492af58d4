package dev.switchboard.titancompute.agent;

import dev.switchboard.titancompute.internal.InferenceRules;
import dev.switchboard.titancompute.v1.AgentInfo;
import dev.switchboard.titancompute.v1.AgentServiceGrpc;
import dev.switchboard.titancompute.v1.CompletedStream;
import dev.switchboard.titancompute.v1.StatusRequest;
import dev.switchboard.titancompute.v1.StreamRequest;
import dev.switchboard.titancompute.v1.StreamResponse;
import dev.switchboard.titancompute.v1.Usage;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AgentService: verifies the token, validates the request, waits for a stream slot, then runs the
 * engine on a worker thread and forwards each piece the moment the engine produces it. A client
 * that goes away cancels the engine (its worker is interrupted) and frees the slot.
 */
final class AgentGrpcService extends AgentServiceGrpc.AgentServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AgentGrpcService.class);

  private final String agentId;
  private final TokenVerifier verifier;
  private final InferenceEngine engine;
  private final StreamSlots slots;
  private final ExecutorService workers;
  private final Supplier<AgentInfo> info;
  // Bounded with O(1) size: an agent cut off from its coordinator must not grow this list forever,
  // and every finished stream adds to it.
  private final ArrayBlockingQueue<CompletedStream> completed = new ArrayBlockingQueue<>(1000);

  AgentGrpcService(String agentId, TokenVerifier verifier, InferenceEngine engine, StreamSlots slots,
      ExecutorService workers, Supplier<AgentInfo> info) {
    this.agentId = agentId;
    this.verifier = verifier;
    this.engine = engine;
    this.slots = slots;
    this.workers = workers;
    this.info = info;
  }

  /** Streams finished since the last call, for the next heartbeat. */
  java.util.List<CompletedStream> drainCompleted(int max) {
    java.util.List<CompletedStream> list = new java.util.ArrayList<>();
    CompletedStream c;
    while (list.size() < max && (c = completed.poll()) != null) {
      list.add(c);
    }
    return list;
  }

  @Override
  public void getStatus(StatusRequest request, StreamObserver<AgentInfo> response) {
    if (!request.getAgentId().isEmpty() && !request.getAgentId().equals(agentId)) {
      response.onError(Status.NOT_FOUND
          .withDescription("this is agent " + agentId + ", not " + request.getAgentId()).asRuntimeException());
      return;
    }
    response.onNext(info.get());
    response.onCompleted();
  }

  @Override
  public void streamInference(StreamRequest request, StreamObserver<StreamResponse> response) {
    long startedNanos = System.nanoTime();
    ServerCallStreamObserver<StreamResponse> call = (ServerCallStreamObserver<StreamResponse>) response;
    TokenVerifier.Grant grant;
    try {
      grant = verifier.verify(request.getToken(), request.getModel());
    } catch (StatusException e) {
      response.onError(e);
      return;
    }
    Optional<Status> invalid = InferenceRules.check(request);
    if (invalid.isPresent()) {
      response.onError(invalid.get().asException());
      return;
    }
    String requestId = grant.requestId().isEmpty() ? request.getRequestId() : grant.requestId();
    GenerationRequest generation = new GenerationRequest(request.getModel(), request.getPrompt(),
        InferenceRules.maxTokens(request), InferenceRules.temperature(request), request.getParametersMap());
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicReference<Future<?>> job = new AtomicReference<>();
    // Must be set before this method returns; the job may not exist yet when the client cancels.
    call.setOnCancelHandler(() -> {
      cancelled.set(true);
      Future<?> f = job.get();
      if (f != null) {
        f.cancel(true);
      }
    });
    job.set(workers.submit(() -> run(generation, requestId, call, cancelled, startedNanos)));
    if (cancelled.get()) {
      job.get().cancel(true);
    }
  }

  private void run(GenerationRequest generation, String requestId,
      ServerCallStreamObserver<StreamResponse> call, AtomicBoolean cancelled, long startedNanos) {
    String outcome = "OK";
    long[] firstNanos = {0};
    int[] pieces = {0};
    boolean admitted = false;
    try {
      admitted = slots.acquire();
      if (!admitted) {
        outcome = Status.Code.RESOURCE_EXHAUSTED.name();
        call.onError(Status.RESOURCE_EXHAUSTED
            .withDescription("agent " + agentId + " is full: " + slots.capacity() + " streams running and its queue is full")
            .asException());
        return;
      }
      if (cancelled.get()) {
        throw new InterruptedException();
      }
      GenerationResult result = engine.generate(generation, new InferenceEngine.TokenSink() {
        @Override
        public void text(String piece) {
          if (cancelled.get()) {
            return;
          }
          StreamResponse.Builder message = StreamResponse.newBuilder().setText(piece);
          if (pieces[0]++ == 0) {
            firstNanos[0] = System.nanoTime();
            message.setAgentId(agentId);
          }
          call.onNext(message.build());
        }

        @Override
        public boolean cancelled() {
          return cancelled.get();
        }
      });
      if (cancelled.get()) {
        throw new InterruptedException();
      }
      int completion = result.completionTokens() > 0 ? result.completionTokens() : pieces[0];
      call.onNext(StreamResponse.newBuilder()
          .setDone(true)
          .setAgentId(agentId)
          .setFinishReason(result.finishReason())
          .setUsage(Usage.newBuilder()
              .setPromptTokens(result.promptTokens())
              .setCompletionTokens(completion)
              .setTotalTokens(result.promptTokens() + completion))
          .build());
      call.onCompleted();
    } catch (InterruptedException e) {
      outcome = Status.Code.CANCELLED.name();
    } catch (EngineException e) {
      outcome = Status.Code.UNAVAILABLE.name();
      if (!cancelled.get()) {
        call.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asException());
      }
    } catch (RuntimeException e) {
      outcome = Status.Code.INTERNAL.name();
      log.error("stream {} failed", requestId, e);
      if (!cancelled.get()) {
        call.onError(Status.INTERNAL.withDescription("agent " + agentId + " failed: " + e).asException());
      }
    } finally {
      if (admitted) {
        slots.release();
      }
      long end = System.nanoTime();
      CompletedStream report = CompletedStream.newBuilder()
          .setRequestId(requestId)
          .setDurationMs((end - startedNanos) / 1e6)
          .setTimeToFirstTokenMs(firstNanos[0] == 0 ? -1 : (firstNanos[0] - startedNanos) / 1e6)
          .setCompletionTokens(pieces[0])
          .setOutcome(outcome)
          .build();
      while (!completed.offer(report)) {
        completed.poll(); // full: the oldest report goes
      }
    }
  }
}
