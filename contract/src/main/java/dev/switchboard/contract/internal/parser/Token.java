package dev.switchboard.contract.internal.parser;

import com.google.protobuf.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * One lexical token; {@code bytes} holds the unescaped value of a string literal.
 *
 * <p>{@code start} and {@code end} are offsets into the source text (end exclusive), so comments
 * between two tokens can be read back lazily. {@code spanColumn} and {@code spanEndColumn} are the
 * 0-based columns protoc writes into {@code SourceCodeInfo} spans: they count UTF-8 bytes, where
 * {@link #location()} counts characters.
 */
record Token(
    Kind kind,
    String text,
    @Nullable ByteString bytes,
    SourceLocation location,
    int start,
    int end,
    int spanColumn,
    int spanEndColumn) {
  enum Kind {
    IDENTIFIER,
    INTEGER,
    FLOAT,
    STRING,
    SYMBOL,
    END
  }

  /** A token made up by the parser (it has no place in the text). */
  Token(Kind kind, String text, @Nullable ByteString bytes, SourceLocation location) {
    this(kind, text, bytes, location, 0, 0, 0, 0);
  }

  boolean is(String symbolOrWord) {
    return (kind == Kind.SYMBOL || kind == Kind.IDENTIFIER) && text.equals(symbolOrWord);
  }

  /** The 0-based line, as in spans. */
  int spanLine() {
    return location.line() - 1;
  }

  String describe() {
    return kind == Kind.END ? "end of input" : "\"" + text + "\"";
  }
}
