package dev.switchboard.contract.internal.parser;

/**
 * A place in a {@code .proto} file; line and column are 1-based and tabs advance to the next
 * multiple of 8, as in protoc.
 */
record SourceLocation(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
