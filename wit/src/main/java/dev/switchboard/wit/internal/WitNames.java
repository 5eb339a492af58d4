package dev.switchboard.wit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns contract names into WIT identifiers the way a person would write them.
 *
 * <p>Words are split at separators and at case changes, keeping acronyms whole ({@code GRPCBin} is
 * {@code grpc-bin}) and digits with the word before them ({@code f_int32} is {@code f-int32},
 * {@code HTTPServer2} is {@code http-server2}). Every word is lower case. The first word must start
 * with a letter (wit-parser's rule), so a leading digit gets a word in front of it.
 */
public final class WitNames {
  /** Longest identifier we emit; longer ones are cut and get a hash suffix. */
  public static final int MAX_LENGTH = 64;

  // WIT.md "Keywords", plus words newer wit-parser releases reserve (map, error-context pieces),
  // so that output stays valid for them too. Escaping a non-keyword is harmless.
  private static final Set<String> KEYWORDS =
      Set.of(
          "as",
          "async",
          "bool",
          "borrow",
          "char",
          "constructor",
          "enum",
          "export",
          "f32",
          "f64",
          "flags",
          "float32",
          "float64",
          "func",
          "future",
          "import",
          "include",
          "interface",
          "list",
          "option",
          "own",
          "package",
          "record",
          "resource",
          "result",
          "s16",
          "s32",
          "s64",
          "s8",
          "static",
          "stream",
          "string",
          "tuple",
          "type",
          "u16",
          "u32",
          "u64",
          "u8",
          "use",
          "variant",
          "with",
          "world",
          "error-context",
          "map",
          "from",
          "await",
          "callback",
          "fixed-size-list");

  private WitNames() {}

  /** True if {@code name} must be written {@code %name} in WIT. */
  public static boolean isKeyword(String name) {
    return KEYWORDS.contains(name);
  }

  /** {@code name} as it appears in WIT source. */
  public static String escape(String name) {
    return isKeyword(name) ? "%" + name : name;
  }

  /** The kebab-case WIT identifier for a contract name, at most {@link #MAX_LENGTH} characters. */
  public static String kebab(String raw) {
    return shorten(String.join("-", words(raw)));
  }

  /** Joins already-converted parts with {@code -} and shortens the result if needed. */
  public static String join(String... parts) {
    List<String> all = new ArrayList<>();
    for (String part : parts) {
      if (!part.isEmpty()) {
        all.add(part);
      }
    }
    return shorten(String.join("-", all));
  }

  /** The words of a contract name, lower case, the first one starting with a letter. */
  static List<String> words(String raw) {
    List<String> words = new ArrayList<>();
    String spelled = spellSymbols(raw);
    StringBuilder word = new StringBuilder();
    int n = spelled.length();
    for (int i = 0; i < n; i++) {
      char c = spelled.charAt(i);
      if (!isAsciiLetterOrDigit(c)) {
        flush(word, words);
        continue;
      }
      if (word.length() > 0) {
        char prev = word.charAt(word.length() - 1);
        boolean boundary =
            (isLower(prev) && isUpper(c))
                || (isDigit(prev) && isUpper(c))
                || (isUpper(prev)
                    && isUpper(c)
                    && i + 1 < n
                    && isLower(spelled.charAt(i + 1))
                    && !endsWithDigitRun(word));
        if (boundary) {
          flush(word, words);
        }
      }
      word.append(c);
    }
    flush(word, words);
    if (words.isEmpty()) {
      words.add("unnamed");
    }
    if (!isLower(words.get(0).charAt(0))) {
      // wit-parser: the first character of an identifier must be a letter.
      words.set(0, "n" + words.get(0));
    }
    return words;
  }

  private static boolean endsWithDigitRun(CharSequence word) {
    return isDigit(word.charAt(word.length() - 1));
  }

  /** Names made only of symbols (GitHub's reaction "+1") still need readable words. */
  private static String spellSymbols(String raw) {
    boolean hasAlnum = false;
    for (int i = 0; i < raw.length(); i++) {
      if (isAsciiLetterOrDigit(raw.charAt(i))) {
        hasAlnum = true;
        break;
      }
    }
    String s = raw;
    if (s.startsWith("+")) {
      s = "plus" + s.substring(1);
    } else if (s.startsWith("-") && s.length() > 1 && isDigit(s.charAt(1))) {
      s = "minus" + s.substring(1);
    }
    if (!hasAlnum) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < raw.length(); i++) {
        b.append(symbolWord(raw.charAt(i))).append(' ');
      }
      s = b.toString();
    }
    return s;
  }

  private static String symbolWord(char c) {
    return switch (c) {
      case '+' -> "plus";
      case '-' -> "minus";
      case '*' -> "star";
      case '/' -> "slash";
      case '.' -> "dot";
      case '=' -> "equals";
      case '<' -> "less";
      case '>' -> "greater";
      case '!' -> "not";
      case '@' -> "at";
      case '#' -> "hash";
      case '$' -> "dollar";
      case '%' -> "percent";
      case '&' -> "and";
      case '|' -> "or";
      case '~' -> "tilde";
      case '?' -> "question";
      case ':' -> "colon";
      case ' ' -> "space";
      default -> "u" + Integer.toHexString(c);
    };
  }

  private static void flush(StringBuilder word, List<String> words) {
    if (word.length() > 0) {
      words.add(word.toString().toLowerCase(Locale.ROOT));
      word.setLength(0);
    }
  }

  /**
   * Cuts a name longer than {@link #MAX_LENGTH} at a word boundary and appends 8 hex digits of the
   * SHA-256 of the full name, so the result is deterministic and distinct names stay distinct.
   */
  public static String shorten(String name) {
    if (name.length() <= MAX_LENGTH) {
      return name;
    }
    String hash = sha256Hex(name).substring(0, 8);
    int keep = MAX_LENGTH - hash.length() - 1;
    String head = name.substring(0, keep);
    int lastDash = head.lastIndexOf('-');
    if (lastDash > keep / 2) {
      head = head.substring(0, lastDash);
    }
    while (head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash;
  }

  private static String sha256Hex(String s) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return isLower(c) || isUpper(c) || isDigit(c);
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
