package dev.switchboard.interop;

import dev.switchboard.interop.internal.InteropClient;
import dev.switchboard.interop.internal.InteropServer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code bin/interop}: {@code interop server [flags]} serves grpc.testing.TestService on our
 * runtime; {@code interop client [flags]} runs an interop case with our client. The flags are
 * grpc-java's TestServiceServer's and TestServiceClient's ({@code --key=value}).
 */
public final class InteropMain {
  private InteropMain() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command and returns its exit code (0 ok, 1 failed, 2 usage); never exits. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    if (args.length == 0) {
      err.println("usage: interop server [--port=PORT --use_tls=true|false ...]");
      err.println("       interop client [--server_port=PORT --test_case=CASE ...]");
      err.println("Run 'interop server --help' or 'interop client --help' for every flag.");
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "server" -> InteropServer.run(out, err, rest);
      case "client" -> InteropClient.run(out, err, rest);
      default -> {
        err.println("interop: unknown command '" + args[0] + "'; expected server or client");
        yield 2;
      }
    };
  }
}
