package dev.switchboard.cli;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.contract.MessageJson;
import dev.switchboard.runtime.DynamicCall;
import dev.switchboard.runtime.DynamicClient;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One call of any shape with newline-delimited JSON both ways: sends the requests read from a
 * {@link JsonInput}, prints each response as one JSON line as it arrives, and ends in {@link
 * ExitCode#OK} or throws what {@code Failures} maps to the exit code (the call's status, or the bad
 * input that cancelled it). {@link CallOptions#call} runs it, for every command that makes a call.
 */
final class NdjsonCall {
  private final DynamicClient client;
  private final MethodDescriptor method;
  private final MessageJson json;
  private final boolean emitDefaults;

  NdjsonCall(
      DynamicClient client, MethodDescriptor method, MessageJson json, boolean emitDefaults) {
    this.client = client;
    this.method = method;
    this.json = json;
    this.emitDefaults = emitDefaults;
  }

  /**
   * Runs the call. Without {@code input}, unary and server-streaming calls send an empty message
   * and client-streaming and bidi calls send none.
   *
   * @param responseMetadata where to print the response headers, trailers and status once the call
   *     is over (verbose mode), or null not to print them
   */
  int run(@Nullable JsonInput input, PrintWriter out, @Nullable PrintWriter responseMetadata)
      throws Exception {
    // A unary request is read whole before the call starts, so bad input never reaches the server.
    DynamicMessage single = null;
    if (!method.isClientStreaming()) {
      single = input == null ? null : onlyRequest(input);
      if (single == null) {
        single = DynamicMessage.getDefaultInstance(method.getInputType());
      }
    }
    LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    Object completed = new Object();
    DynamicCall call =
        client.call(
            method,
            new StreamObserver<>() {
              @Override
              public void onNext(DynamicMessage value) {
                events.add(value);
              }

              @Override
              public void onError(Throwable t) {
                events.add(t);
              }

              @Override
              public void onCompleted() {
                events.add(completed);
              }
            });
    AtomicReference<BadInputException> inputProblem = new AtomicReference<>();
    if (single != null) {
      call.requests().onNext(single);
      call.requests().onCompleted();
    } else {
      startSender(call, input, inputProblem);
    }
    try {
      while (true) {
        Object event = events.take();
        if (event == completed) {
          return ExitCode.OK;
        }
        if (event instanceof DynamicMessage response) {
          out.println(json.print(response, emitDefaults));
          out.flush();
          continue;
        }
        BadInputException problem = inputProblem.get();
        if (problem != null) {
          throw problem;
        }
        throw event instanceof StatusRuntimeException e
            ? e
            : Status.fromThrowable((Throwable) event).asRuntimeException();
      }
    } finally {
      if (responseMetadata != null) {
        printResponseMetadata(call, responseMetadata);
      }
    }
  }

  /** The one request of a unary or server-streaming call, or null when the input holds none. */
  private @Nullable DynamicMessage onlyRequest(JsonInput input) throws BadInputException {
    DynamicMessage request = input.next(method.getInputType(), json);
    JsonInput.Chunk extra = input.nextChunk();
    if (extra != null) {
      throw new BadInputException(
          input.source()
              + ":"
              + extra.line()
              + ":"
              + extra.column()
              + ": "
              + method.getFullName()
              + " takes one request message, but a second one starts here");
    }
    return request;
  }

  /**
   * Sends the input's messages from their own thread, reading each only when the previous one is
   * sent, so bidi calls stream both ways at once. A bad message cancels the call.
   */
  private void startSender(
      DynamicCall call,
      @Nullable JsonInput input,
      AtomicReference<BadInputException> inputProblem) {
    Thread sender =
        new Thread(
            () -> {
              try {
                if (input != null) {
                  for (DynamicMessage next = input.next(method.getInputType(), json);
                      next != null;
                      next = input.next(method.getInputType(), json)) {
                    call.requests().onNext(next);
                  }
                }
                call.requests().onCompleted();
              } catch (BadInputException e) {
                inputProblem.set(e);
                call.cancel("sb: bad input");
              } catch (RuntimeException e) {
                // The call ended (the server failed it or the deadline passed); its status reports
                // why.
              }
            },
            "sb-request-sender");
    // A blocked read of stdin must not keep the JVM alive once the call is over.
    sender.setDaemon(true);
    sender.start();
  }

  private static void printResponseMetadata(DynamicCall call, PrintWriter err) {
    Metadata headers = call.headers().getNow(null);
    Metadata trailers = call.trailers().getNow(null);
    err.println("Response headers received:");
    Connection.printMetadata(err, headers == null ? new Metadata() : headers);
    err.println("Response trailers received:");
    Connection.printMetadata(err, trailers == null ? new Metadata() : trailers);
    Status status = call.status().getNow(null);
    if (status != null) {
      err.println("Status: " + Failures.describe(status));
    }
    err.flush();
  }
}
