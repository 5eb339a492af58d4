package dev.switchboard.contract.internal.parser;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Picks the defined names closest to a misspelt one (Levenshtein distance, case-insensitive). The
 * distance is public because {@code ContractSet}'s "nearest names" hints rank with it too.
 */
public final class NameSuggestions {
  private NameSuggestions() {}

  static List<String> nearest(String wanted, Collection<String> candidates, int limit) {
    String want = wanted.startsWith(".") ? wanted.substring(1) : wanted;
    String wantSimple = simple(want).toLowerCase(java.util.Locale.ROOT);
    int budget = Math.max(2, wantSimple.length() / 3);
    record Scored(String name, int distance) {}
    List<Scored> scored = new ArrayList<>();
    for (String candidate : candidates) {
      int d =
          Math.min(
              distance(wantSimple, simple(candidate).toLowerCase(java.util.Locale.ROOT)),
              distance(
                  want.toLowerCase(java.util.Locale.ROOT),
                  candidate.toLowerCase(java.util.Locale.ROOT)));
      if (d <= budget) {
        scored.add(new Scored(candidate, d));
      }
    }
    scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < scored.size() && i < limit; i++) {
      out.add(scored.get(i).name());
    }
    return out;
  }

  private static String simple(String fullName) {
    return fullName.substring(fullName.lastIndexOf('.') + 1);
  }

  /** The Levenshtein edit distance between {@code a} and {@code b}. */
  public static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
