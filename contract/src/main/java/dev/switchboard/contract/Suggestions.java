package dev.switchboard.contract;

import dev.switchboard.contract.internal.parser.NameSuggestions;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** "Did you mean" hints: the known names closest to what the user typed. */
final class Suggestions {
  private static final int MAX = 5;

  private Suggestions() {}

  /** The up to five names nearest to {@code wanted}, nearest first. */
  static List<String> nearest(String wanted, Collection<String> known) {
    String w = wanted.toLowerCase(Locale.ROOT);
    return known.stream()
        .distinct()
        .sorted(
            Comparator.<String>comparingInt(k -> score(w, k.toLowerCase(Locale.ROOT)))
                .thenComparing(Comparator.naturalOrder()))
        .limit(MAX)
        .toList();
  }

  /** {@code "; nearest names: a, b"}, or a note that there is nothing to suggest. */
  static String didYouMean(String wanted, Collection<String> known) {
    List<String> nearest = nearest(wanted, known);
    if (nearest.isEmpty()) {
      return " (the contract is empty)";
    }
    return "; nearest names: " + String.join(", ", nearest);
  }

  /**
   * Edit distance, with a bonus when the last path segment matches, because users usually get the
   * method or message name right and the package wrong.
   */
  private static int score(String wanted, String known) {
    int distance = NameSuggestions.distance(wanted, known);
    String wantedTail = tail(wanted);
    String knownTail = tail(known);
    if (!wantedTail.isEmpty() && knownTail.equals(wantedTail)) {
      distance -= 100;
    } else if (!wantedTail.isEmpty() && knownTail.contains(wantedTail)) {
      distance -= 50;
    }
    return distance;
  }

  private static String tail(String name) {
    int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('.'));
    return name.substring(cut + 1);
  }
}
