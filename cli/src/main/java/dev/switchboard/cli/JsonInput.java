package dev.switchboard.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import dev.switchboard.contract.MessageJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Request messages from {@code -d}: one JSON value after another (newline-delimited in practice,
 * but a pretty-printed object spanning lines works too). Values are cut out of the character stream
 * as soon as they are complete, so a bidi call can send each line of stdin while later lines are
 * unwritten. Problems are located as {@code source:line:column} and, inside a message, by field
 * path.
 */
final class JsonInput implements AutoCloseable {
  private static final Pattern LINE_COLUMN = Pattern.compile("(\\d+):(\\d+)");

  private final String source;
  private final Reader reader;
  private int line = 1;
  private int column = 0;
  private int pushedBack = -2;

  private JsonInput(String source, Reader reader) {
    this.source = source;
    this.reader = reader;
  }

  /** {@code -d} argument: inline JSON, {@code @file}, or {@code @-} for stdin. */
  static JsonInput open(String data, InputStream stdin) throws BadInputException {
    if (data.equals("@-")) {
      return new JsonInput("<stdin>", new InputStreamReader(stdin, StandardCharsets.UTF_8));
    }
    if (data.startsWith("@")) {
      Path file = Path.of(data.substring(1));
      try {
        return new JsonInput(
            data.substring(1), Files.newBufferedReader(file, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        throw new BadInputException("-d " + data + ": no such file");
      } catch (IOException e) {
        throw new BadInputException("-d " + data + ": cannot read: " + e.getMessage());
      }
    }
    return new JsonInput("-d", new StringReader(data));
  }

  /** One text of a value and where it started. */
  record Chunk(String text, int line, int column) {}

  /** The next message, parsed; null at the end of the input. */
  @Nullable DynamicMessage next(Descriptor type, MessageJson json) throws BadInputException {
    Chunk chunk = nextChunk();
    if (chunk == null) {
      return null;
    }
    try {
      return json.parse(chunk.text(), type);
    } catch (ContractException e) {
      List<String> lines = new ArrayList<>();
      for (ContractProblem problem : e.problems()) {
        lines.add(locate(chunk, problem));
      }
      throw new BadInputException(lines);
    }
  }

  /** {@code source:line:column: message}, with the chunk's line numbers made absolute. */
  private String locate(Chunk chunk, ContractProblem problem) {
    Matcher matcher = LINE_COLUMN.matcher(problem.location());
    if (matcher.matches()) {
      int relativeLine = Integer.parseInt(matcher.group(1));
      int relativeColumn = Integer.parseInt(matcher.group(2));
      int absoluteLine = chunk.line() + relativeLine - 1;
      int absoluteColumn = relativeLine == 1 ? chunk.column() + relativeColumn - 1 : relativeColumn;
      return source + ":" + absoluteLine + ":" + absoluteColumn + ": " + problem.message();
    }
    return source
        + ":"
        + chunk.line()
        + ":"
        + chunk.column()
        + ": "
        + (problem.location().isEmpty() ? "" : problem.location() + ": ")
        + problem.message();
  }

  /**
   * The text of the next top-level JSON value, or null at the end. Reads no further than its end.
   */
  @Nullable Chunk nextChunk() throws BadInputException {
    int c = read();
    while (c >= 0 && Character.isWhitespace(c)) {
      c = read();
    }
    if (c < 0) {
      return null;
    }
    int startLine = line;
    int startColumn = column;
    StringBuilder text = new StringBuilder();
    text.append((char) c);
    if (c == '{' || c == '[') {
      int depth = 1;
      boolean inString = false;
      boolean escaped = false;
      while (depth > 0) {
        c = read();
        if (c < 0) {
          break; // unterminated: the JSON parser reports where
        }
        text.append((char) c);
        if (inString) {
          if (escaped) {
            escaped = false;
          } else if (c == '\\') {
            escaped = true;
          } else if (c == '"') {
            inString = false;
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
        }
      }
    } else {
      // A scalar where a message should be: take it up to the next separator and let the parser
      // explain.
      while (true) {
        c = read();
        if (c < 0 || Character.isWhitespace(c) || c == '{' || c == '[') {
          if (c >= 0) {
            unread(c);
          }
          break;
        }
        text.append((char) c);
      }
    }
    return new Chunk(text.toString(), startLine, startColumn);
  }

  private int read() throws BadInputException {
    int c;
    if (pushedBack != -2) {
      c = pushedBack;
      pushedBack = -2;
    } else {
      try {
        c = reader.read();
      } catch (IOException e) {
        throw new BadInputException(source + ": cannot read: " + e.getMessage());
      }
    }
    if (c == '\n') {
      line++;
      column = 0;
    } else if (c >= 0) {
      column++;
    }
    return c;
  }

  private void unread(int c) {
    pushedBack = c;
    if (c == '\n') {
      line--;
    } else {
      column--;
    }
  }

  /** Where the next value would start, for "more messages than expected" errors. */
  String source() {
    return source;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException ignored) {
      // Input is only read; a failed close loses nothing.
    }
  }
}
