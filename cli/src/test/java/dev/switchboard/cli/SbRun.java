package dev.switchboard.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** One in-process run of {@code sb}: exit code, stdout and stderr. */
record SbRun(int exit, String out, String err) {
  static SbRun withStdin(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit;
    try (PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err)) {
      exit = Sb.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o, e, args);
    }
    return new SbRun(exit, out.toString(), err.toString());
  }

  static SbRun run(String... args) {
    return withStdin("", args);
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
