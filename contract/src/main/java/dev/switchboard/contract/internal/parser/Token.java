package dev.switchboard.contract.internal.parser;

import com.google.protobuf.ByteString;
import org.jspecify.annotations.Nullable;

/** One lexical token; {@code bytes} holds the unescaped value of a string literal. */
record Token(Kind kind, String text, @Nullable ByteString bytes, SourceLocation location) {
  enum Kind {
    IDENTIFIER,
    INTEGER,
    FLOAT,
    STRING,
    SYMBOL,
    END
  }

  boolean is(String symbolOrWord) {
    return (kind == Kind.SYMBOL || kind == Kind.IDENTIFIER) && text.equals(symbolOrWord);
  }

  String describe() {
    return kind == Kind.END ? "end of input" : "\"" + text + "\"";
  }
}
