package dev.switchboard.wit;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Validation rules taken from the contract, so a stub can reject a bad value locally with a precise
 * message instead of waiting for the remote service to do it.
 *
 * @param required the contract requires the value to be present
 * @param format the declared format (uuid, date-time, email, int64, ...), kept for stubs and docs
 * @param allowed the allowed values when the contract lists them (enums), in contract spelling
 * @param multipleOf the value must be an integer multiple of this
 * @param minProperties an object value needs at least this many properties
 * @param maxProperties an object value may have at most this many properties
 */
public record Rules(
    boolean required,
    @Nullable Integer minLength,
    @Nullable Integer maxLength,
    @Nullable String pattern,
    @Nullable BigDecimal minimum,
    @Nullable BigDecimal maximum,
    boolean exclusiveMinimum,
    boolean exclusiveMaximum,
    @Nullable Integer minItems,
    @Nullable Integer maxItems,
    @Nullable String format,
    List<String> allowed,
    @Nullable BigDecimal multipleOf,
    @Nullable Integer minProperties,
    @Nullable Integer maxProperties) {
  public static final Rules NONE =
      new Rules(
          false, null, null, null, null, null, false, false, null, null, null, List.of(), null,
          null, null);

  public Rules {
    allowed = List.copyOf(allowed);
  }

  public boolean none() {
    return equals(NONE);
  }

  public Rules withRequired(boolean isRequired) {
    return new Rules(
        isRequired,
        minLength,
        maxLength,
        pattern,
        minimum,
        maximum,
        exclusiveMinimum,
        exclusiveMaximum,
        minItems,
        maxItems,
        format,
        allowed,
        multipleOf,
        minProperties,
        maxProperties);
  }
}
