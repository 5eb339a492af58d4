package dev.switchboard.bridge.internal;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * JSON Schema {@code pattern}s are ECMA-262 regular expressions (without flags, matched anywhere in
 * the value). This rewrites one into a {@link java.util.regex.Pattern} with the same meaning where
 * the two dialects differ:
 *
 * <ul>
 *   <li>{@code .} excludes only {@code \n \r \u2028 \u2029} (Java also excludes {@code \u0085});
 *   <li>{@code $} matches only at the very end (Java also before a final line break);
 *   <li>{@code \s} and {@code \S} are Unicode white space as ECMA-262 lists it (Java: ASCII);
 *   <li>{@code [^]} matches any character and {@code []} none (Java: syntax errors);
 *   <li>inside a class, {@code [} and {@code &&} are literal and {@code \b} is a backspace (Java:
 *       nested classes, intersection, an error);
 *   <li>{@code \0} is NUL, {@code \cX} a control character, {@code \/} a slash, and an escaped
 *       letter with no meaning stands for itself (Annex B), where Java rejects or differs;
 *   <li>a {@code {} that does not start a quantifier is literal (Annex B; Java: an error);
 *   <li>a possessive {@code *+} or Java-only construct ({@code \Q}, {@code \p}, {@code (?>...)})
 *       is rejected, because ECMA-262 has no such syntax.
 * </ul>
 */
public final class EcmaRegex {
  /** ECMA-262 WhiteSpace and LineTerminator code points. */
  private static final String SPACE =
      "\\t\\n\\x0B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

  private EcmaRegex() {}

  /**
   * Compiles an ECMA-262 pattern.
   *
   * @throws PatternSyntaxException if the pattern is not valid ECMA-262 (or uses what Java cannot
   *     express)
   */
  public static Pattern compile(String ecma) {
    return Pattern.compile(translate(ecma));
  }

  static String translate(String src) {
    StringBuilder out = new StringBuilder(src.length() + 16);
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      switch (c) {
        case '\\' -> i = escape(src, i, out, false);
        case '[' -> i = characterClass(src, i, out);
        case '.' -> {
          out.append("[^\\n\\r\\u2028\\u2029]");
          i++;
        }
        case '$' -> {
          out.append("\\z");
          i++;
        }
        case '{' -> {
          int end = quantifierEnd(src, i);
          if (end < 0) {
            out.append("\\{");
            i++;
          } else {
            out.append(src, i, end);
            i = end;
            i = rejectPossessive(src, i);
          }
        }
        case '}' -> {
          out.append("\\}");
          i++;
        }
        case '*', '+', '?' -> {
          out.append(c);
          i++;
          if (i < n && src.charAt(i) == '?') {
            out.append('?');
            i++;
          } else {
            i = rejectPossessive(src, i);
          }
        }
        case '(' -> {
          if (src.startsWith("(?", i)) {
            String rest = src.substring(i + 2);
            if (!(rest.startsWith(":")
                || rest.startsWith("=")
                || rest.startsWith("!")
                || rest.startsWith("<=")
                || rest.startsWith("<!")
                || rest.startsWith("<")
                    && rest.length() > 1
                    && Character.isLetter(rest.charAt(1)))) {
              throw new PatternSyntaxException("not an ECMA-262 group", src, i);
            }
          }
          out.append(c);
          i++;
        }
        default -> {
          out.append(c);
          i++;
        }
      }
    }
    return out.toString();
  }

  private static int rejectPossessive(String src, int i) {
    if (i < src.length() && src.charAt(i) == '+') {
      throw new PatternSyntaxException("nothing to repeat", src, i);
    }
    return i;
  }

  /**
   * End of a {@code {n}}, {@code {n,}} or {@code {n,m}} quantifier starting at {@code i}, or -1.
   */
  private static int quantifierEnd(String src, int i) {
    int j = i + 1;
    int digits = 0;
    while (j < src.length() && Character.isDigit(src.charAt(j))) {
      j++;
      digits++;
    }
    if (digits == 0) {
      return -1;
    }
    if (j < src.length() && src.charAt(j) == ',') {
      j++;
      while (j < src.length() && Character.isDigit(src.charAt(j))) {
        j++;
      }
    }
    return j < src.length() && src.charAt(j) == '}' ? j + 1 : -1;
  }

  private static int characterClass(String src, int start, StringBuilder out) {
    int i = start + 1;
    int n = src.length();
    boolean negated = i < n && src.charAt(i) == '^';
    if (negated) {
      i++;
    }
    if (i < n && src.charAt(i) == ']') {
      // [] matches nothing, [^] anything
      out.append(negated ? "(?s:.)" : "(?!)");
      return i + 1;
    }
    out.append(negated ? "[^" : "[");
    while (i < n && src.charAt(i) != ']') {
      char c = src.charAt(i);
      if (c == '\\') {
        i = escape(src, i, out, true);
      } else if (c == '[' || c == '&' || c == '~' || c == '^') {
        out.append('\\').append(c);
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    if (i >= n) {
      throw new PatternSyntaxException("unterminated character class", src, start);
    }
    out.append(']');
    return i + 1;
  }

  private static int escape(String src, int i, StringBuilder out, boolean inClass) {
    if (i + 1 >= src.length()) {
      throw new PatternSyntaxException("\\ at end of pattern", src, i);
    }
    char e = src.charAt(i + 1);
    switch (e) {
      case 'd', 'D', 'w', 'W', 'B', 't', 'n', 'r', 'v', 'f' -> {
        if (e == 'v') {
          out.append("\\x0B");
        } else if (e == 'B' && inClass) {
          out.append('B');
        } else {
          out.append('\\').append(e);
        }
        return i + 2;
      }
      case 'b' -> {
        out.append(inClass ? "\\x08" : "\\b");
        return i + 2;
      }
      case 's' -> {
        out.append(inClass ? SPACE : "[" + SPACE + "]");
        return i + 2;
      }
      case 'S' -> {
        // inside a class, a nested negated class is Java's union
        out.append("[^").append(SPACE).append(']');
        return i + 2;
      }
      case '0' -> {
        if (i + 2 < src.length() && Character.isDigit(src.charAt(i + 2))) {
          throw new PatternSyntaxException("octal escapes are not supported", src, i);
        }
        out.append("\\x00");
        return i + 2;
      }
      case 'c' -> {
        if (i + 2 < src.length() && Character.isLetter(src.charAt(i + 2))) {
          out.append("\\c").append(Character.toUpperCase(src.charAt(i + 2)));
          return i + 3;
        }
        out.append("\\\\c");
        return i + 2;
      }
      case 'x' -> {
        if (i + 3 < src.length() && hex(src.charAt(i + 2)) && hex(src.charAt(i + 3))) {
          out.append(src, i, i + 4);
          return i + 4;
        }
        out.append('x');
        return i + 2;
      }
      case 'u' -> {
        if (i + 5 < src.length()
            && src.substring(i + 2, i + 6).chars().allMatch(ch -> hex((char) ch))) {
          out.append(src, i, i + 6);
          return i + 6;
        }
        out.append('u');
        return i + 2;
      }
      case 'k' -> {
        if (!inClass && i + 2 < src.length() && src.charAt(i + 2) == '<') {
          int close = src.indexOf('>', i);
          if (close > 0) {
            out.append(src, i, close + 1);
            return close + 1;
          }
        }
        out.append('k');
        return i + 2;
      }
      default -> {
        if (Character.isDigit(e)) {
          // a back reference outside a class
          int j = i + 1;
          while (j < src.length() && Character.isDigit(src.charAt(j))) {
            j++;
          }
          out.append(src, i, j);
          return j;
        }
        if (Character.isLetter(e)) {
          // Annex B identity escape: \A, \Q, \p ... stand for the letter itself
          out.append(e);
          return i + 2;
        }
        // \/ \. \\ \( ... : the character itself, escaped for Java
        out.append('\\').append(e);
        return i + 2;
      }
    }
  }

  private static boolean hex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}
