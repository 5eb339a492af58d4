package dev.switchboard.messaging.internal;

import org.jspecify.annotations.Nullable;

/**
 * Subject syntax, as NATS defines it: tokens separated by {@code .}, none empty, no whitespace. A
 * filter (what subscriptions listen on) may use {@code *} for exactly one token and {@code >} as
 * its last token for one or more tokens; a subject that is published to may not.
 */
public final class Subjects {
  /** The longest subject accepted, in characters. */
  public static final int MAX_LENGTH = 1024;

  private Subjects() {}

  /**
   * Checks a subject that messages are sent to.
   *
   * @throws IllegalArgumentException saying what is wrong and where
   */
  public static String checkSubject(String subject) {
    check(subject, "subject", false);
    return subject;
  }

  /**
   * Checks a subscription filter: a subject that may hold {@code *} and a final {@code >}.
   *
   * @throws IllegalArgumentException saying what is wrong and where
   */
  public static String checkFilter(String filter) {
    check(filter, "subject filter", true);
    return filter;
  }

  /**
   * Checks the name of a queue, group or peer: subject syntax without wildcards.
   *
   * @throws IllegalArgumentException saying what is wrong and where
   */
  public static String checkName(String name, String kind) {
    check(name, kind + " name", false);
    return name;
  }

  /** The problem with a subject, or {@code null} when it is well formed. */
  public static @Nullable String problem(String subject, String kind, boolean wildcards) {
    if (subject.isEmpty()) {
      return kind + " is empty";
    }
    if (subject.length() > MAX_LENGTH) {
      return kind + " is " + subject.length() + " characters long; the limit is " + MAX_LENGTH;
    }
    // One pass without allocating: publishers check every message's subject.
    int tokenStart = 0;
    boolean hasWildcardChar = false;
    for (int i = 0; i <= subject.length(); i++) {
      char c = i == subject.length() ? '.' : subject.charAt(i);
      if (c == '.') {
        int length = i - tokenStart;
        if (length == 0) {
          return kind + " '" + subject + "' has an empty token at character " + (tokenStart + 1);
        }
        char first = subject.charAt(tokenStart);
        boolean wildcard = length == 1 && (first == '*' || first == '>');
        if (wildcard && !wildcards) {
          return kind
              + " '"
              + subject
              + "' has the wildcard '"
              + first
              + "'; only subscriptions may";
        }
        if (wildcard && first == '>' && i != subject.length()) {
          return kind + " '" + subject + "': '>' must be the last token";
        }
        if (!wildcard && hasWildcardChar) {
          return kind
              + " '"
              + subject
              + "': wildcards must be whole tokens, not part of '"
              + subject.substring(tokenStart, i)
              + "'";
        }
        tokenStart = i + 1;
        hasWildcardChar = false;
      } else if (c == '*' || c == '>') {
        hasWildcardChar = true;
      } else if ((c <= ' ' || c >= 0x7f)
          && (Character.isWhitespace(c) || Character.isISOControl(c))) {
        return kind + " '" + subject + "' has whitespace or a control character at " + (i + 1);
      }
    }
    return null;
  }

  private static void check(String subject, String kind, boolean wildcards) {
    String problem = problem(subject, kind, wildcards);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Whether {@code subject} (no wildcards) matches {@code filter} (wildcards allowed). */
  public static boolean matches(String filter, String subject) {
    int f = 0;
    int s = 0;
    while (true) {
      int fEnd = filter.indexOf('.', f);
      int sEnd = subject.indexOf('.', s);
      String ft = fEnd < 0 ? filter.substring(f) : filter.substring(f, fEnd);
      if (ft.equals(">")) {
        return s < subject.length();
      }
      String st = sEnd < 0 ? subject.substring(s) : subject.substring(s, sEnd);
      if (!ft.equals("*") && !ft.equals(st)) {
        return false;
      }
      if (fEnd < 0 || sEnd < 0) {
        return fEnd < 0 && sEnd < 0;
      }
      f = fEnd + 1;
      s = sEnd + 1;
    }
  }
}
