package dev.switchboard.contract.internal.parser;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits {@code .proto} source into tokens with a hand-written scanner (no regular expressions:
 * this runs at CLI start-up). Follows protoc's io/tokenizer.cc: C-style comments, octal and hex
 * integers, C escapes in strings, and columns that count a tab as reaching the next multiple of 8.
 */
final class Tokenizer {
  private static final int TAB_WIDTH = 8;

  private final String file;
  private final String text;
  private final Problems problems;
  private int pos;
  private int line;
  private int column;

  /** protoc's column, which counts UTF-8 bytes; spans use it. */
  private int byteColumn;

  private int tokenStart;
  private int tokenStartColumn;

  private Tokenizer(String file, String text, Problems problems) {
    this.file = file;
    this.text = text;
    this.problems = problems;
  }

  static List<Token> tokenize(String file, String text, Problems problems) {
    return new Tokenizer(file, text, problems).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipWhitespaceAndComments();
      SourceLocation at = here();
      tokenStart = pos;
      tokenStartColumn = byteColumn;
      if (pos >= text.length()) {
        tokens.add(token(Token.Kind.END, "", null, at));
        return tokens;
      }
      char c = text.charAt(pos);
      int start = pos;
      if (isLetter(c)) {
        while (pos < text.length() && (isLetter(text.charAt(pos)) || isDigit(text.charAt(pos)))) {
          advance();
        }
        tokens.add(token(Token.Kind.IDENTIFIER, text.substring(start, pos), null, at));
      } else if (isDigit(c)
          || (c == '.' && pos + 1 < text.length() && isDigit(text.charAt(pos + 1)))) {
        tokens.add(number(at));
      } else if (c == '"' || c == '\'') {
        tokens.add(string(at));
      } else {
        advance();
        if (c < 0x20 || c == 0x7f) {
          problems.add(at, "Invalid control characters encountered in text.");
          continue;
        }
        tokens.add(token(Token.Kind.SYMBOL, text.substring(start, pos), null, at));
      }
    }
  }

  private Token token(
      Token.Kind kind, String tokenText, @Nullable ByteString bytes, SourceLocation at) {
    return new Token(kind, tokenText, bytes, at, tokenStart, pos, tokenStartColumn, byteColumn);
  }

  private Token number(SourceLocation at) {
    int start = pos;
    boolean isFloat = false;
    if (text.charAt(pos) == '0'
        && pos + 1 < text.length()
        && (text.charAt(pos + 1) == 'x' || text.charAt(pos + 1) == 'X')) {
      advance();
      advance();
      if (pos >= text.length() || Character.digit(text.charAt(pos), 16) < 0) {
        problems.add(at, "\"0x\" must be followed by hex digits.");
      }
      while (pos < text.length() && Character.digit(text.charAt(pos), 16) >= 0) {
        advance();
      }
    } else if (text.charAt(pos) == '0'
        && pos + 1 < text.length()
        && isDigit(text.charAt(pos + 1))) {
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        if (text.charAt(pos) > '7') {
          problems.add(here(), "Numbers starting with leading zero must be in octal.");
        }
        advance();
      }
    } else {
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        advance();
      }
      if (pos < text.length() && text.charAt(pos) == '.') {
        isFloat = true;
        advance();
        while (pos < text.length() && isDigit(text.charAt(pos))) {
          advance();
        }
      }
      if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
        isFloat = true;
        advance();
        if (pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
          advance();
        }
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
          problems.add(here(), "\"e\" must be followed by exponent.");
        }
        while (pos < text.length() && isDigit(text.charAt(pos))) {
          advance();
        }
      }
    }
    if (pos < text.length() && (isLetter(text.charAt(pos)) || text.charAt(pos) == '.')) {
      problems.add(
          here(),
          text.charAt(pos) == '.'
              ? "Already saw decimal point or exponent; can't have another one."
              : "Need space between number and identifier.");
    }
    return token(
        isFloat ? Token.Kind.FLOAT : Token.Kind.INTEGER, text.substring(start, pos), null, at);
  }

  private Token string(SourceLocation at) {
    int start = pos;
    char quote = text.charAt(pos);
    advance();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      if (pos >= text.length()) {
        problems.add(at, "Unexpected end of string.");
        break;
      }
      char c = text.charAt(pos);
      if (c == quote) {
        advance();
        break;
      }
      if (c == '\n') {
        problems.add(here(), "String literals cannot cross line boundaries.");
        break;
      }
      if (c == '\\') {
        SourceLocation escapeAt = here();
        advance();
        if (pos >= text.length()) {
          continue;
        }
        char e = text.charAt(pos);
        advance();
        switch (e) {
          case 'a' -> out.write(7);
          case 'b' -> out.write('\b');
          case 'f' -> out.write('\f');
          case 'n' -> out.write('\n');
          case 'r' -> out.write('\r');
          case 't' -> out.write('\t');
          case 'v' -> out.write(11);
          case '\\', '?', '\'', '"' -> out.write(e);
          case 'x', 'X' -> {
            int value = 0;
            int digits = 0;
            while (digits < 2
                && pos < text.length()
                && Character.digit(text.charAt(pos), 16) >= 0) {
              value = value * 16 + Character.digit(text.charAt(pos), 16);
              advance();
              digits++;
            }
            if (digits == 0) {
              problems.add(escapeAt, "Expected hex digits for escape sequence.");
            }
            out.write(value);
          }
          case 'u', 'U' -> {
            int want = e == 'u' ? 4 : 8;
            long value = 0;
            int digits = 0;
            while (digits < want
                && pos < text.length()
                && Character.digit(text.charAt(pos), 16) >= 0) {
              value = value * 16 + Character.digit(text.charAt(pos), 16);
              advance();
              digits++;
            }
            if (digits < want || value > 0x10FFFF) {
              problems.add(escapeAt, "Expected " + want + " hex digits for \\" + e + " escape.");
            } else {
              byte[] utf8 =
                  new String(Character.toChars((int) value)).getBytes(StandardCharsets.UTF_8);
              out.write(utf8, 0, utf8.length);
            }
          }
          default -> {
            if (e >= '0' && e <= '7') {
              int value = e - '0';
              int digits = 1;
              while (digits < 3
                  && pos < text.length()
                  && text.charAt(pos) >= '0'
                  && text.charAt(pos) <= '7') {
                value = value * 8 + (text.charAt(pos) - '0');
                advance();
                digits++;
              }
              out.write(value & 0xff);
            } else {
              problems.add(escapeAt, "Invalid escape sequence in string literal.");
            }
          }
        }
        continue;
      }
      int cp = text.codePointAt(pos);
      byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      out.write(utf8, 0, utf8.length);
      advance();
      if (Character.isSupplementaryCodePoint(cp)) {
        pos++;
      }
    }
    return token(
        Token.Kind.STRING, text.substring(start, pos), ByteString.copyFrom(out.toByteArray()), at);
  }

  private void skipWhitespaceAndComments() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 11 || c == '\f') {
        advance();
      } else if (c == '/' && pos + 1 < text.length() && text.charAt(pos + 1) == '/') {
        int newline = text.indexOf('\n', pos);
        if (newline >= 0) {
          // The newline resets the column, so the comment's characters need not be counted.
          pos = newline;
        } else {
          while (pos < text.length()) {
            advance();
          }
        }
      } else if (c == '/' && pos + 1 < text.length() && text.charAt(pos + 1) == '*') {
        SourceLocation at = here();
        advance();
        advance();
        while (pos < text.length()
            && !(text.charAt(pos) == '*'
                && pos + 1 < text.length()
                && text.charAt(pos + 1) == '/')) {
          if (text.charAt(pos) == '/' && pos + 1 < text.length() && text.charAt(pos + 1) == '*') {
            advance();
            problems.add(here(), "\"/*\" inside block comment.  Block comments cannot be nested.");
            continue;
          }
          advance();
        }
        if (pos >= text.length()) {
          problems.add(at, "End-of-file inside block comment.");
        } else {
          advance();
          advance();
        }
      } else {
        return;
      }
    }
  }

  private void advance() {
    char c = text.charAt(pos++);
    if (c == '\n') {
      line++;
      column = 0;
      byteColumn = 0;
    } else if (c == '\t') {
      column += TAB_WIDTH - column % TAB_WIDTH;
      byteColumn += TAB_WIDTH - byteColumn % TAB_WIDTH;
    } else if (c < 0x80) {
      column++;
      byteColumn++;
    } else if (Character.isHighSurrogate(c)) {
      column++;
      byteColumn += 4;
    } else if (!Character.isLowSurrogate(c)) {
      column++;
      byteColumn += c < 0x800 ? 2 : 3;
    }
  }

  private SourceLocation here() {
    return new SourceLocation(file, line + 1, column + 1);
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
