package dev.switchboard.benchmarks.wit;

import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.OpenApiTranslator;
import dev.switchboard.wit.WitPrinter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Translates an OpenAPI document (GitHub's REST API: {@code npm pack @octokit/openapi}, file {@code
 * generated/api.github.com.json}) and compares, in the same JVM and run, swagger-parser's parse
 * alone with the whole translation (the same parse, then Binding, then printed WIT).
 *
 * <p>Usage: {@code java -cp ... dev.switchboard.benchmarks.wit.WitTranslationBenchmark FILE
 * [ROUNDS]}. Rounds alternate parse-only and full translation after warm-up, and medians are
 * reported, so JIT and GC effects fall on both sides alike. Each side is timed by the clock and by
 * the CPU time of the thread doing it, which a machine busy with other work disturbs far less.
 */
public final class WitTranslationBenchmark {
  private WitTranslationBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: WitTranslationBenchmark OPENAPI_FILE [ROUNDS]");
      System.exit(2);
    }
    String file = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int warmup = 3;
    List<Long> parse = new ArrayList<>();
    List<Long> full = new ArrayList<>();
    List<Long> translateOnly = new ArrayList<>();
    List<Long> parseCpu = new ArrayList<>();
    List<Long> fullCpu = new ArrayList<>();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int operations = 0;
    int witBytes = 0;
    for (int i = 0; i < warmup + rounds; i++) {
      // Alternate which side goes first, and keep nothing of one side alive while the other runs,
      // so heap size and GC pressure fall on both alike.
      boolean parseFirst = i % 2 == 0;
      long parseNanos = 0;
      long fullNanos = 0;
      long translateNanos = 0;
      long parseCpuNanos = 0;
      long fullCpuNanos = 0;
      for (int side = 0; side < 2; side++) {
        System.gc();
        if ((side == 0) == parseFirst) {
          long c0 = threads.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          OpenApiContract parsedOnly = OpenApiContract.load(file);
          parseNanos = System.nanoTime() - t0;
          parseCpuNanos = threads.getCurrentThreadCpuTime() - c0;
          if (parsedOnly.model() == null) {
            throw new IllegalStateException("no model");
          }
        } else {
          long c0 = threads.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          OpenApiContract contract = OpenApiContract.load(file);
          long t1 = System.nanoTime();
          Binding binding = OpenApiTranslator.create().translate(contract);
          Map<String, String> files = WitPrinter.files(binding);
          long t2 = System.nanoTime();
          fullCpuNanos = threads.getCurrentThreadCpuTime() - c0;
          fullNanos = t2 - t0;
          translateNanos = t2 - t1;
          operations =
              binding.mainPackage().interfaces().stream().mapToInt(x -> x.functions().size()).sum();
          witBytes = files.values().stream().mapToInt(String::length).sum();
        }
      }
      if (i >= warmup) {
        parse.add(parseNanos);
        full.add(fullNanos);
        translateOnly.add(translateNanos);
        parseCpu.add(parseCpuNanos);
        fullCpu.add(fullCpuNanos);
      }
    }
    long p = median(parse);
    long f = median(full);
    long t = median(translateOnly);
    System.out.printf("document: %s%n", file);
    System.out.printf(
        "functions (operations): %d, WIT characters: %d, rounds: %d (+%d warm-up)%n",
        operations, witBytes, rounds, warmup);
    System.out.printf("swagger-parser parse alone:       median %7.1f ms%n", p / 1e6);
    System.out.printf("whole translation (parse+WIT):    median %7.1f ms%n", f / 1e6);
    System.out.printf("  of which Binding + printing:    median %7.1f ms%n", t / 1e6);
    System.out.printf("ratio whole / parse: %.2f (goal <= 2.00)%n", (double) f / p);
    long pc = median(parseCpu);
    long fc = median(fullCpu);
    System.out.printf("thread CPU, parse alone:          median %7.1f ms%n", pc / 1e6);
    System.out.printf("thread CPU, whole translation:    median %7.1f ms%n", fc / 1e6);
    System.out.printf("ratio of CPU whole / parse: %.2f%n", (double) fc / pc);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
