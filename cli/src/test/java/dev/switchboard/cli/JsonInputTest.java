package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonInputTest {
  @Test
  void cutsValuesWithTheirStartingLineAndColumn() throws Exception {
    String text = "{\"a\": \"}{\\\"\"}\n\n  {\n  \"b\": [1, {\"c\": 2}]\n}{}\n";

    List<JsonInput.Chunk> chunks = chunks(JsonInput.open(text, InputStream.nullInputStream()));

    assertThat(chunks)
        .containsExactly(
            new JsonInput.Chunk("{\"a\": \"}{\\\"\"}", 1, 1),
            new JsonInput.Chunk("{\n  \"b\": [1, {\"c\": 2}]\n}", 3, 3),
            new JsonInput.Chunk("{}", 5, 2));
  }

  @Test
  void scalarsAndUnterminatedValuesAreHandedOnForTheParserToExplain() throws Exception {
    List<JsonInput.Chunk> chunks =
        chunks(JsonInput.open("42 {\"a\": 1", InputStream.nullInputStream()));

    assertThat(chunks)
        .containsExactly(new JsonInput.Chunk("42", 1, 1), new JsonInput.Chunk("{\"a\": 1", 1, 4));
  }

  @Test
  void readsStdinOnlyAsFarAsTheEndOfEachValue() throws Exception {
    PipedOutputStream writer = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(writer);
    JsonInput input = JsonInput.open("@-", stdin);

    writer.write("{\"n\": 1}\n".getBytes(StandardCharsets.UTF_8));
    writer.flush();
    // The first value is complete although the stream is still open: it must come out now.
    assertThat(input.nextChunk()).isEqualTo(new JsonInput.Chunk("{\"n\": 1}", 1, 1));
    writer.write("{\"n\": 2}".getBytes(StandardCharsets.UTF_8));
    writer.close();
    assertThat(input.nextChunk()).isEqualTo(new JsonInput.Chunk("{\"n\": 2}", 2, 1));
    assertThat(input.nextChunk()).isNull();
  }

  @Test
  void missingFileIsBadInput() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> JsonInput.open("@/no/such/file.json", new ByteArrayInputStream(new byte[0])))
        .isInstanceOf(BadInputException.class)
        .hasMessage("-d @/no/such/file.json: no such file");
  }

  private static List<JsonInput.Chunk> chunks(JsonInput input)
      throws BadInputException, IOException {
    List<JsonInput.Chunk> chunks = new ArrayList<>();
    for (JsonInput.Chunk chunk = input.nextChunk(); chunk != null; chunk = input.nextChunk()) {
      chunks.add(chunk);
    }
    return chunks;
  }
}
