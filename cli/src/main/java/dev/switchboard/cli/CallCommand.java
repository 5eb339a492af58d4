package dev.switchboard.cli;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.contract.MessageJson;
import dev.switchboard.runtime.DynamicCall;
import dev.switchboard.runtime.DynamicClient;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    header = "Call a method with JSON requests; print JSON responses.",
    sortOptions = false,
    description = {
        "Call a method. Requests come from -d as JSON (protobuf JSON mapping); responses go to stdout "
            + "as JSON, one message per line.",
        "",
        "Streams are newline-delimited JSON both ways. A bidi call sends each input message as soon as "
            + "it is read while printing responses as they arrive. Without -d, unary and server-streaming "
            + "calls send an empty message and client-streaming and bidi calls send none."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  sb call --plaintext localhost:50051 shop.v1.Orders/GetOrder -d '{\"id\": \"o-1\"}'",
        "  sb call --plaintext localhost:50051 shop.v1.Orders/ImportOrders -d @orders.ndjson",
        "  tail -f events.ndjson | sb call --plaintext localhost:50051 shop.v1.Orders/Chat -d @-",
        "  sb call -H 'authorization: Bearer t0k3n' --deadline 2s --cacert ca.pem \\",
        "      api.example.com:443 grpc.health.v1.Health/Check",
        "  sb call --proto shop/v1/orders.proto -I protos --plaintext localhost:50051 \\",
        "      shop.v1.Orders/GetOrder -d '{\"id\": \"o-1\"}'",
    })
final class CallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TARGET", description = "host:port, unix:/path or inproc:name")
  String target = "";

  @Parameters(index = "1", paramLabel = "METHOD",
      description = "pkg.Service/Method (or pkg.Service.Method)")
  String method = "";

  @Option(names = {"-d", "--data"}, paramLabel = "JSON|@FILE|@-",
      description = "Request message(s): inline JSON, @FILE, or @- for stdin. Several messages are "
          + "written one after another, one per line.")
  @Nullable String data;

  @Option(names = "--emit-defaults", description = "Also print fields that hold their default value.")
  boolean emitDefaults;

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin ContractOptions contract = new ContractOptions();

  /** stdin, replaceable so in-process tests can feed it. */
  InputStream stdin = System.in;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Connection open = Connection.open(target, connection)) {
      Contracts contracts = new Contracts(contract, open.channel(), connection.deadline);
      ContractSet set = contracts.containing(serviceOf(method));
      MethodDescriptor descriptor = set.method(method);
      MessageJson json = set.json();
      JsonInput input = data == null ? null : JsonInput.open(data, stdin);
      try {
        DynamicClient client = DynamicClient.on(open.channel());
        if (connection.deadline != null) {
          client = client.withDeadline(connection.deadline);
        }
        if (connection.verbose) {
          open.printRequestMetadata(err);
          err.flush();
        }
        return run(client, descriptor, json, input, out, err);
      } finally {
        if (input != null) {
          input.close();
        }
      }
    }
  }

  private int run(DynamicClient client, MethodDescriptor descriptor, MessageJson json, @Nullable JsonInput input,
      PrintWriter out, PrintWriter err) throws Exception {
    // A unary request is read whole before the call starts, so bad input never reaches the server.
    DynamicMessage single = null;
    if (!descriptor.isClientStreaming()) {
      single = input == null ? null : input.next(descriptor.getInputType(), json);
      if (single == null) {
        single = DynamicMessage.getDefaultInstance(descriptor.getInputType());
      }
      JsonInput.Chunk extra = input == null ? null : input.nextChunk();
      if (extra != null) {
        throw new BadInputException(input.source() + ":" + extra.line() + ":" + extra.column() + ": "
            + descriptor.getFullName() + " takes one request message, but a second one starts here");
      }
    }
    LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    Object completed = new Object();
    DynamicCall call = client.call(descriptor, new StreamObserver<>() {
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
      startSender(call, descriptor, json, input, inputProblem);
    }
    try {
      while (true) {
        Object event = events.take();
        if (event == completed) {
          break;
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
        throw event instanceof StatusRuntimeException e ? e : Status.fromThrowable((Throwable) event).asRuntimeException();
      }
    } finally {
      if (connection.verbose) {
        printResponseMetadata(call, err);
      }
    }
    return ExitCode.OK;
  }

  /**
   * Sends the input's messages from their own thread, reading each only when the previous one is
   * sent, so bidi calls stream both ways at once. A bad message cancels the call.
   */
  private static void startSender(DynamicCall call, MethodDescriptor descriptor, MessageJson json,
      @Nullable JsonInput input, AtomicReference<BadInputException> inputProblem) {
    Thread sender = new Thread(() -> {
      try {
        if (input != null) {
          for (DynamicMessage next = input.next(descriptor.getInputType(), json); next != null;
              next = input.next(descriptor.getInputType(), json)) {
            call.requests().onNext(next);
          }
        }
        call.requests().onCompleted();
      } catch (BadInputException e) {
        inputProblem.set(e);
        call.cancel("sb: bad input");
      } catch (RuntimeException e) {
        // The call ended (the server failed it or the deadline passed); its status reports why.
      }
    }, "sb-request-sender");
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

  private static String serviceOf(String method) {
    String name = method.startsWith("/") ? method.substring(1) : method;
    int slash = name.lastIndexOf('/');
    if (slash >= 0) {
      return name.substring(0, slash);
    }
    int dot = name.lastIndexOf('.');
    return dot >= 0 ? name.substring(0, dot) : name;
  }
}
