package dev.switchboard.contract;

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
        .sorted(Comparator.<String>comparingInt(k -> score(w, k.toLowerCase(Locale.ROOT)))
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
    int distance = levenshtein(wanted, known);
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

  static int levenshtein(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
