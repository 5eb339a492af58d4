package dev.switchboard.benchmarks.wit;

import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.OpenApiTranslator;
import dev.switchboard.wit.WitPrinter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Translates an OpenAPI document (GitHub's REST API: {@code npm pack @octokit/openapi}, file
 * {@code generated/api.github.com.json}) and compares, in the same JVM and run, swagger-parser's
 * parse alone with the whole translation (the same parse, then Binding, then printed WIT).
 *
 * <p>Usage: {@code java -cp ... dev.switchboard.benchmarks.wit.WitTranslationBenchmark FILE [ROUNDS]}.
 * Rounds alternate parse-only and full translation after warm-up, and medians are reported, so JIT
 * and GC effects fall on both sides alike.
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
    int operations = 0;
    int witBytes = 0;
    for (int i = 0; i < warmup + rounds; i++) {
      System.gc();
      long t0 = System.nanoTime();
      OpenApiContract parsedOnly = OpenApiContract.load(file);
      long t1 = System.nanoTime();
      if (parsedOnly.model() == null) {
        throw new IllegalStateException("no model");
      }
      System.gc();
      long t2 = System.nanoTime();
      OpenApiContract contract = OpenApiContract.load(file);
      long t3 = System.nanoTime();
      Binding binding = OpenApiTranslator.create().translate(contract);
      Map<String, String> files = WitPrinter.files(binding);
      long t4 = System.nanoTime();
      if (i >= warmup) {
        parse.add(t1 - t0);
        full.add(t4 - t2);
        translateOnly.add(t4 - t3);
      }
      operations = binding.mainPackage().interfaces().stream().mapToInt(x -> x.functions().size()).sum();
      witBytes = files.values().stream().mapToInt(String::length).sum();
    }
    long p = median(parse);
    long f = median(full);
    long t = median(translateOnly);
    System.out.printf("document: %s%n", file);
    System.out.printf("functions (operations): %d, WIT characters: %d, rounds: %d (+%d warm-up)%n",
        operations, witBytes, rounds, warmup);
    System.out.printf("swagger-parser parse alone:       median %7.1f ms%n", p / 1e6);
    System.out.printf("whole translation (parse+WIT):    median %7.1f ms%n", f / 1e6);
    System.out.printf("  of which Binding + printing:    median %7.1f ms%n", t / 1e6);
    System.out.printf("ratio whole / parse: %.2f (goal <= 2.00)%n", (double) f / p);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
