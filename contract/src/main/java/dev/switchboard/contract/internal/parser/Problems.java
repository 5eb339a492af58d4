package dev.switchboard.contract.internal.parser;

import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects every problem of a compilation so the user sees them all at once. They are reported file
 * by file (in the order the files were met) and by position within a file, whereas the compiler
 * finds them phase by phase.
 */
final class Problems {
  private record Entry(String file, int line, int column, int sequence, ContractProblem problem) {}

  private final List<Entry> entries = new ArrayList<>();

  void add(SourceLocation where, String message) {
    entries.add(
        new Entry(
            where.file(),
            where.line(),
            where.column(),
            entries.size(),
            new ContractProblem(where.toString(), message)));
  }

  void add(String where, String message) {
    entries.add(new Entry(where, 0, 0, entries.size(), new ContractProblem(where, message)));
  }

  int count() {
    return entries.size();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  void throwIfAny() throws ContractException {
    if (entries.isEmpty()) {
      return;
    }
    Map<String, Integer> fileOrder = new HashMap<>();
    for (Entry e : entries) {
      fileOrder.putIfAbsent(e.file(), fileOrder.size());
    }
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(
        Comparator.<Entry>comparingInt(e -> fileOrder.get(e.file()))
            .thenComparingInt(Entry::line)
            .thenComparingInt(Entry::column)
            .thenComparingInt(Entry::sequence));
    throw new ContractException(sorted.stream().map(Entry::problem).toList());
  }
}
