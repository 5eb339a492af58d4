package dev.switchboard.wit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Binding as JSON, so a stub runtime can load it without the original contract. Reading back
 * what {@link #write} produced gives an equal Binding.
 */
public final class BindingJson {
  private final ObjectMapper mapper;

  private BindingJson() {
    this.mapper =
        JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPropertyInclusion(
                JsonInclude.Value.construct(
                    JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();
  }

  public static BindingJson create() {
    return new BindingJson();
  }

  public String write(Binding binding) {
    try {
      return mapper.writeValueAsString(binding) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a Binding; a malformed document is an IOException naming where it broke. */
  public Binding read(String json) throws IOException {
    return mapper.readValue(json, Binding.class);
  }

  public Binding read(Path file) throws IOException {
    return read(Files.readString(file));
  }
}
