package dev.switchboard.cli;

import dev.switchboard.bridge.Bridge;
import dev.switchboard.bridge.Wave;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.durable.Durable;
import dev.switchboard.durable.History;
import dev.switchboard.durable.OplogEntry;
import dev.switchboard.durable.OplogStore;
import dev.switchboard.durable.Outcome;
import dev.switchboard.durable.Snapshot;
import dev.switchboard.durable.Worker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "oplog",
    mixinStandardHelpOptions = true,
    header = "Read the oplog of a durable worker: show its entries, or replay it.",
    synopsisSubcommandLabel = "COMMAND",
    description =
        "Workers are what sb invoke --worker ID --oplog URL records calls under. The oplog holds"
            + " each call's function, the hash and text of its request with credentials masked, the"
            + " idempotency key it carried, and its result; nothing here shows a secret, because"
            + " none was stored.",
    subcommands = {OplogCommand.Show.class, OplogCommand.Replay.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  sb oplog show --oplog sqlite:data order-42",
      "  sb oplog replay --oplog sqlite:data --binding wit/pay/binding.json order-42",
    })
final class OplogCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.BAD_INPUT;
  }

  /** Opens the store {@code --oplog} names; a URL of neither kind is exit 2. */
  static OplogStore store(String url) throws BadInputException {
    try {
      return OplogStore.open(url);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--oplog " + url + ": " + e.getMessage());
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      header = "Print a worker's oplog entries, masked as stored.",
      description = {
        "One block per entry: sequence number, function, how safe it is to repeat, when it started"
            + " and was committed, the idempotency key it carried, the request (one WAVE value per"
            + " line for calls sb invoke made) and the result. An interrupted call shows as an"
            + " open intent.",
        "",
        "Reads the oplog without taking the worker's lease, so it may be run while the worker is"
            + " running."
      })
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--oplog",
        required = true,
        paramLabel = "URL",
        description = "sqlite:DIR or postgresql://HOST:PORT/DB?user=...")
    String oplog = "";

    @Parameters(index = "0", paramLabel = "WORKER", description = "The worker's id")
    String worker = "";

    @Mixin LogOptions log = new LogOptions();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (OplogStore store = store(oplog)) {
        History history = existing(store, worker, oplog);
        out.println(
            "worker " + worker + ": " + count(history.entries().size(), "entry", "entries"));
        history
            .snapshot()
            .ifPresent(
                (Snapshot s) ->
                    out.println(
                        "  snapshot up to #"
                            + s.sequence()
                            + " made "
                            + s.createdAt()
                            + " ("
                            + count(s.state().length, "byte", "bytes")
                            + " of state)"));
        for (OplogEntry e : history.entries()) {
          print(e, out);
        }
      }
      out.flush();
      return ExitCode.OK;
    }

    private static void print(OplogEntry e, PrintWriter out) {
      StringBuilder head =
          new StringBuilder("#")
              .append(e.sequence())
              .append(' ')
              .append(e.kind() == OplogEntry.Kind.RUN ? "run " : "")
              .append(e.function())
              .append("  ")
              .append(e.idempotency().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      out.println(head);
      out.println("    started:   " + e.startedAt());
      String key = e.idempotencyKey();
      if (key != null) {
        out.println("    key:       " + key);
      }
      out.println("    request:   " + indent(e.request().isEmpty() ? "(none)" : e.request()));
      out.println("    hash:      " + e.requestHash());
      Outcome outcome = e.outcome();
      if (outcome == null) {
        out.println("    result:    (open intent: interrupted before its result was committed)");
      } else {
        out.println("    committed: " + e.completedAt());
        out.println("    result:    " + indent(shown(outcome)));
      }
    }

    private static String indent(String text) {
      return text.replace("\n", "\n               ");
    }
  }

  /**
   * A call made through the bridge records its whole WIT result as WAVE ({@code ok(...)}, {@code
   * err(...)}), which says ok or error itself; other outcomes are labelled.
   */
  static String shown(Outcome outcome) {
    String text = outcome.describe();
    String bare = text.substring(text.indexOf(' ') + 1);
    return bare.startsWith(outcome.isOk() ? "ok" : "err") ? bare : text;
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      header = "Re-check a worker's history without calling anything.",
      description = {
        "Reads the oplog back (every entry is checked against its checksum) and, with --binding,"
            + " replays it as a worker would: each recorded call's request is read back with the"
            + " Binding's types, identified again exactly as a live call is (function and request"
            + " hash) and compared with the oplog, and its recorded result is read back as the"
            + " function's result type. Nothing is sent. Run it after the contract changed to know"
            + " whether the worker still replays.",
        "",
        "Prints one line per call with its recorded result and exits 0 when the history checks"
            + " out; a call that no longer reads the same is exit 2, with the sequence number and"
            + " both forms. Takes the worker's lease while it runs, so it refuses a worker another"
            + " process is running (exit 1)."
      })
  static final class Replay implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--oplog",
        required = true,
        paramLabel = "URL",
        description = "sqlite:DIR or postgresql://HOST:PORT/DB?user=...")
    String oplog = "";

    @Option(
        names = "--binding",
        paramLabel = "FILE",
        description =
            "binding.json the calls were made through: re-check each request and result against"
                + " its types (without it, only the oplog's own integrity is checked)")
    @Nullable Path binding;

    @Parameters(index = "0", paramLabel = "WORKER", description = "The worker's id")
    String worker = "";

    @Mixin LogOptions log = new LogOptions();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Path bindingFile = binding;
      WitTypes types = bindingFile == null ? null : InvokeCommand.types(bindingFile);
      try (OplogStore store = store(oplog)) {
        History history = existing(store, worker, oplog);
        if (types == null) {
          for (OplogEntry e : history.entries()) {
            out.println(line(e.sequence(), e.function(), e));
          }
          out.println(
              "worker "
                  + worker
                  + ": "
                  + count(history.entries().size(), "entry", "entries")
                  + " read back intact (give --binding to re-check the calls against the contract)");
          out.flush();
          return ExitCode.OK;
        }
        try (Durable durable = Durable.open(store);
            Worker w = durable.worker(worker)) {
          List<Bridge.Replayed> replayed = InvokeCommand.located(() -> Bridge.replay(types, w));
          for (Bridge.Replayed r : replayed) {
            out.println("#" + r.sequence() + " " + r.function() + " -> " + Wave.print(r.result()));
          }
          w.openIntent()
              .ifPresent(
                  open ->
                      out.println(
                          "#"
                              + open.sequence()
                              + " "
                              + open.function()
                              + " -> (open intent: the next sb invoke of this call resumes it)"));
          out.println(
              "worker "
                  + worker
                  + ": "
                  + count(replayed.size(), "call", "calls")
                  + " replayed without calling anything; the history matches "
                  + bindingFile);
        }
      }
      out.flush();
      return ExitCode.OK;
    }

    private static String line(long sequence, String function, OplogEntry e) {
      Outcome outcome = e.outcome();
      return "#"
          + sequence
          + " "
          + function
          + " -> "
          + (outcome == null ? "(open intent)" : shown(outcome));
    }
  }

  /** The worker's history; a worker the oplog has never seen is exit 2, not an empty history. */
  private static History existing(OplogStore store, String worker, String url)
      throws BadInputException {
    if (!store.workers().contains(worker)) {
      throw new BadInputException(
          "--oplog "
              + url
              + ": no worker "
              + worker
              + " (workers: "
              + listed(store.workers())
              + ")");
    }
    return store.load(worker);
  }

  private static String listed(List<String> workers) {
    if (workers.isEmpty()) {
      return "none";
    }
    int shown = Math.min(10, workers.size());
    return String.join(", ", workers.subList(0, shown))
        + (workers.size() > shown ? ", ... " + (workers.size() - shown) + " more" : "");
  }

  private static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
