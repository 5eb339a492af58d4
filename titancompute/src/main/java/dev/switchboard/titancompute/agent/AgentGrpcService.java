package dev.switchboard.titancompute.agent;

import dev.switchboard.runtime.ExceptionMapper;
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
 * AgentService: verifies the token, validates the request, spends the token (one stream per token),
 * then streams. Two ways to stream:
 *
 * <ul>
 *   <li>An engine that has its whole answer at once ({@link ImmediateOutput.Source}, the demo
 *       engine without delay), when a slot is free right now: the pieces go out from the call's own
 *       executor as fast as flow control allows ({@code isReady}, resumed by the on-ready
 *       callback), with no thread hand-off per stream or per piece.
 *   <li>Otherwise a worker thread waits in line for a slot, runs the engine and forwards each piece
 *       the moment the engine produces it (HTTP engines block, so they need a thread).
 * </ul>
 *
 * Either way, a client that goes away stops the output (the worker is interrupted) and frees its
 * slot at once, and every stream is reported with the next heartbeat.
 */
final class AgentGrpcService extends AgentServiceGrpc.AgentServiceImplBase {
  /**
   * The agent server's exception registry: an engine failure is the engine's message as {@code
   * UNAVAILABLE}; anything unexpected is logged once and reaches the client as {@code UNKNOWN}
   * without its details.
   */
  static final ExceptionMapper ERRORS =
      ExceptionMapper.builder().map(EngineException.class, Status.Code.UNAVAILABLE).build();

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

  AgentGrpcService(
      String agentId,
      TokenVerifier verifier,
      InferenceEngine engine,
      StreamSlots slots,
      ExecutorService workers,
      Supplier<AgentInfo> info) {
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
      response.onError(
          Status.NOT_FOUND
              .withDescription("this is agent " + agentId + ", not " + request.getAgentId())
              .asRuntimeException());
      return;
    }
    response.onNext(info.get());
    response.onCompleted();
  }

  @Override
  public void streamInference(StreamRequest request, StreamObserver<StreamResponse> response) {
    long startedNanos = System.nanoTime();
    ServerCallStreamObserver<StreamResponse> call =
        (ServerCallStreamObserver<StreamResponse>) response;
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
    try {
      verifier.spend(grant);
    } catch (StatusException e) {
      response.onError(e);
      return;
    }
    String requestId = grant.requestId();
    GenerationRequest generation =
        new GenerationRequest(
            request.getModel(),
            request.getPrompt(),
            InferenceRules.maxTokens(request),
            InferenceRules.temperature(request),
            request.getParametersMap());
    if (engine instanceof ImmediateOutput.Source source) {
      Optional<ImmediateOutput> output = source.immediate(generation);
      if (output.isPresent() && slots.tryAcquireNow()) {
        new InlineStream(call, output.get(), requestId, startedNanos).start();
        return;
      }
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicReference<Future<?>> job = new AtomicReference<>();
    // Must be set before this method returns; the job may not exist yet when the client cancels.
    call.setOnCancelHandler(
        () -> {
          cancelled.set(true);
          Future<?> f = job.get();
          if (f != null) {
            f.cancel(true);
          }
        });
    Future<?> submitted =
        workers.submit(() -> run(generation, requestId, call, cancelled, startedNanos));
    job.set(submitted);
    if (cancelled.get()) {
      submitted.cancel(true);
    }
  }

  private void run(
      GenerationRequest generation,
      String requestId,
      ServerCallStreamObserver<StreamResponse> call,
      AtomicBoolean cancelled,
      long startedNanos) {
    String outcome = "OK";
    long[] firstNanos = {0};
    int[] pieces = {0};
    boolean admitted = false;
    try {
      admitted = slots.acquire();
      if (!admitted) {
        outcome = Status.Code.RESOURCE_EXHAUSTED.name();
        call.onError(
            Status.RESOURCE_EXHAUSTED
                .withDescription(
                    "agent "
                        + agentId
                        + " is full: "
                        + slots.capacity()
                        + " streams running and its queue is full")
                .asException());
        return;
      }
      if (cancelled.get()) {
        throw new InterruptedException();
      }
      GenerationResult result =
          engine.generate(
              generation,
              new InferenceEngine.TokenSink() {
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
      call.onNext(lastMessage(result, completion));
      call.onCompleted();
    } catch (InterruptedException e) {
      outcome = Status.Code.CANCELLED.name();
    } catch (EngineException | RuntimeException e) {
      Status status = ERRORS.toStatus(e, "stream " + requestId);
      outcome = status.getCode().name();
      if (!cancelled.get()) {
        call.onError(status.asException());
      }
    } finally {
      if (admitted) {
        slots.release();
      }
      report(requestId, startedNanos, firstNanos[0], pieces[0], outcome);
    }
  }

  /** The closing message of every stream: done, with the finish reason and the token counts. */
  private StreamResponse lastMessage(GenerationResult result, int completionTokens) {
    return StreamResponse.newBuilder()
        .setDone(true)
        .setAgentId(agentId)
        .setFinishReason(result.finishReason())
        .setUsage(
            Usage.newBuilder()
                .setPromptTokens(result.promptTokens())
                .setCompletionTokens(completionTokens)
                .setTotalTokens(result.promptTokens() + completionTokens))
        .build();
  }

  private void report(
      String requestId, long startedNanos, long firstNanos, int pieces, String outcome) {
    long end = System.nanoTime();
    CompletedStream report =
        CompletedStream.newBuilder()
            .setRequestId(requestId)
            .setDurationMs((end - startedNanos) / 1e6)
            .setTimeToFirstTokenMs(firstNanos == 0 ? -1 : (firstNanos - startedNanos) / 1e6)
            .setCompletionTokens(pieces)
            .setOutcome(outcome)
            .build();
    while (!completed.offer(report)) {
      completed.poll(); // full: the oldest report goes
    }
  }

  /**
   * Sends an immediate output from the call's executor. gRPC runs the method, the on-ready and the
   * on-cancel callbacks of one call one at a time, so the fields need no lock; {@code finished}
   * makes sure the slot is released and the stream reported exactly once, whichever of completion,
   * cancellation or failure comes first.
   */
  private final class InlineStream implements Runnable {
    private final ServerCallStreamObserver<StreamResponse> call;
    private final ImmediateOutput output;
    private final String requestId;
    private final long startedNanos;
    private final AtomicBoolean finished = new AtomicBoolean();
    private int next;
    private long firstNanos;

    InlineStream(
        ServerCallStreamObserver<StreamResponse> call,
        ImmediateOutput output,
        String requestId,
        long startedNanos) {
      this.call = call;
      this.output = output;
      this.requestId = requestId;
      this.startedNanos = startedNanos;
    }

    /**
     * Holds the slot already; must run inside the service method (gRPC requires the handlers then).
     */
    void start() {
      call.setOnCancelHandler(() -> finish(Status.Code.CANCELLED.name()));
      call.setOnReadyHandler(this);
      run();
    }

    /** Sends while the transport takes more; the on-ready callback resumes it. */
    @Override
    public void run() {
      if (finished.get()) {
        return;
      }
      try {
        java.util.List<String> pieces = output.pieces();
        while (next < pieces.size() && call.isReady()) {
          if (call.isCancelled()) {
            finish(Status.Code.CANCELLED.name());
            return;
          }
          StreamResponse.Builder message = StreamResponse.newBuilder().setText(pieces.get(next));
          if (next++ == 0) {
            firstNanos = System.nanoTime();
            message.setAgentId(agentId);
          }
          call.onNext(message.build());
        }
        if (next < pieces.size() || !call.isReady()) {
          return; // the on-ready callback continues
        }
        GenerationResult result = output.result();
        call.onNext(lastMessage(result, result.completionTokens()));
        call.onCompleted();
        finish("OK");
      } catch (RuntimeException e) {
        Status status = ERRORS.toStatus(e, "stream " + requestId);
        if (finish(status.getCode().name())) {
          try {
            call.onError(status.asException());
          } catch (RuntimeException closed) {
            log.debug(
                "stream {} was already closed", requestId, closed); // the client has its status
          }
        }
      }
    }

    private boolean finish(String outcome) {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      slots.release();
      report(requestId, startedNanos, firstNanos, next, outcome);
      return true;
    }
  }
}
