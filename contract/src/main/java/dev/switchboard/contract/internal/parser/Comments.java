package dev.switchboard.contract.internal.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * The comments between two tokens, sorted the way protoc 3.21's tokenizer sorts them ({@code
 * Tokenizer::NextWithComments}): a comment that starts on the line of the previous token is that
 * token's trailing comment; a blank line cuts comments loose (detached); the last comment block
 * right above the next token leads it. Comments in front of a closing {@code }}, or at the end of
 * the file, lead nothing.
 *
 * <p>The text is only scanned when the parser asks, after a token that ends a declaration, so
 * tokenizing stays a single pass that skips comments.
 *
 * @param trailing the previous token's trailing comment, or empty
 * @param detached comment blocks that belong to neither token
 * @param leading the next token's leading comment, or empty
 */
record Comments(String trailing, List<String> detached, String leading) {
  static final Comments NONE = new Comments("", List.of(), "");

  /** The comments in front of the file's first token: none can trail anything. */
  static Comments beforeFirst(String text, Token first) {
    Collector c = new Collector(text);
    c.canAttachToPrevious = false;
    return c.rest(0, first);
  }

  /** The comments between {@code previous} and {@code next}, which follow each other. */
  static Comments between(String text, Token previous, Token next) {
    int from = previous.end();
    int to = next.kind() == Token.Kind.END ? text.length() : next.start();
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == '/') {
        return new Collector(text).afterToken(from, next);
      }
    }
    return NONE;
  }

  /** Mirrors protoc's CommentCollector: one buffered comment, flushed once its place is known. */
  private static final class Collector {
    private final String text;
    private final StringBuilder buffer = new StringBuilder();
    private boolean hasComment;
    private boolean isLineComment;
    private boolean canAttachToPrevious = true;
    private final StringBuilder trailing = new StringBuilder();
    private List<String> detached = List.of();

    Collector(String text) {
      this.text = text;
    }

    Comments afterToken(int from, Token next) {
      int pos = skipSpaces(from);
      if (startsWith(pos, "//")) {
        pos = lineComment(pos + 2);
        flush();
      } else if (startsWith(pos, "/*")) {
        pos = blockComment(pos + 2);
        pos = skipSpaces(pos);
        if (!startsWith(pos, "\n")) {
          // The next token shares the comment's line: protoc cannot tell whose comment it is.
          return NONE;
        }
        pos++;
        flush();
      } else if (startsWith(pos, "\n")) {
        pos++;
      } else {
        return NONE;
      }
      return rest(pos, next);
    }

    /** From the start of a line up to the next token. */
    Comments rest(int from, Token next) {
      int pos = from;
      while (true) {
        pos = skipSpaces(pos);
        if (startsWith(pos, "//")) {
          pos = lineComment(pos + 2);
        } else if (startsWith(pos, "/*")) {
          pos = blockComment(pos + 2);
          // The rest of the comment's line is not a blank line.
          pos = skipSpaces(pos);
          if (startsWith(pos, "\n")) {
            pos++;
          }
        } else if (startsWith(pos, "\n")) {
          // A blank line.
          pos++;
          flush();
          canAttachToPrevious = false;
        } else {
          if (next.kind() == Token.Kind.END || next.is("}") || next.is("]") || next.is(")")) {
            // The end of a scope: a comment here cannot document what follows.
            flush();
          }
          String leading = hasComment ? buffer.toString() : "";
          return new Comments(trailing.toString(), detached, leading);
        }
      }
    }

    private void flush() {
      if (!hasComment) {
        return;
      }
      if (canAttachToPrevious) {
        trailing.append(buffer);
        canAttachToPrevious = false;
      } else {
        if (detached.isEmpty()) {
          detached = new ArrayList<>();
        }
        detached.add(buffer.toString());
      }
      buffer.setLength(0);
      hasComment = false;
    }

    /** Consecutive line comments make one comment; anything else starts a new one. */
    private void startComment(boolean line) {
      if (hasComment && !(line && isLineComment)) {
        flush();
      }
      hasComment = true;
      isLineComment = line;
    }

    /** Reads a line comment's text, newline included; returns the position after it. */
    private int lineComment(int from) {
      startComment(true);
      int newline = text.indexOf('\n', from);
      int end = newline < 0 ? text.length() : newline + 1;
      // append(String) copies arrays; append(CharSequence, int, int) goes char by char.
      buffer.append(text.substring(from, end));
      return end;
    }

    /**
     * Reads a block comment's text without its delimiters; on each further line, the indentation
     * and one leading {@code *} are dropped.
     */
    private int blockComment(int from) {
      startComment(false);
      int pos = from;
      int recordFrom = from;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '\n') {
          pos++;
          buffer.append(text.substring(recordFrom, pos));
          pos = skipSpaces(pos);
          if (startsWith(pos, "*")) {
            pos++;
            if (startsWith(pos, "/")) {
              return pos + 1;
            }
          }
          recordFrom = pos;
        } else if (c == '*' && startsWith(pos + 1, "/")) {
          buffer.append(text.substring(recordFrom, pos));
          return pos + 2;
        } else {
          pos++;
        }
      }
      buffer.append(text.substring(recordFrom, pos));
      return pos;
    }

    private int skipSpaces(int from) {
      int pos = from;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\r' && c != 11 && c != '\f') {
          break;
        }
        pos++;
      }
      return pos;
    }

    private boolean startsWith(int pos, String s) {
      return text.startsWith(s, pos);
    }
  }
}
