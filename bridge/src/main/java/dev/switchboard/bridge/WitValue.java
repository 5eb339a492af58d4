package dev.switchboard.bridge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A value of a WIT type: what a bridged function takes and returns. Values are immutable and know
 * their own kind (an {@code s32} is never mistaken for a {@code u32}), so a value that does not fit
 * its type is caught with its path ({@link WitTypes#check}). Primitive kinds are named after the
 * WIT keyword ({@link S32}, {@link Str} for {@code string}); composite ones end in {@code Value}.
 *
 * <pre>{@code
 * WitValue request = WitValue.record()
 *     .field("title", WitValue.string("Buy milk"))
 *     .field("user-id", WitValue.string("u1"))
 *     .build();
 * }</pre>
 *
 * <p>A record may leave out fields whose type is {@code option}: checking fills them in as {@code
 * none}, as WAVE does.
 */
public sealed interface WitValue {

  /** The WIT spelling of this value's kind ({@code u32}, {@code record}, {@code option}...). */
  String kind();

  // ---- primitives

  /** {@code bool}. */
  record Bool(boolean value) implements WitValue {
    @Override
    public String kind() {
      return "bool";
    }
  }

  /** {@code s8}. */
  record S8(byte value) implements WitValue {
    @Override
    public String kind() {
      return "s8";
    }
  }

  /** {@code s16}. */
  record S16(short value) implements WitValue {
    @Override
    public String kind() {
      return "s16";
    }
  }

  /** {@code s32}. */
  record S32(int value) implements WitValue {
    @Override
    public String kind() {
      return "s32";
    }
  }

  /** {@code s64}. */
  record S64(long value) implements WitValue {
    @Override
    public String kind() {
      return "s64";
    }
  }

  /** {@code u8}, held in the low 8 bits. */
  record U8(int value) implements WitValue {
    public U8 {
      if (value < 0 || value > 0xFF) {
        throw new IllegalArgumentException("u8 out of range: " + value);
      }
    }

    @Override
    public String kind() {
      return "u8";
    }
  }

  /** {@code u16}. */
  record U16(int value) implements WitValue {
    public U16 {
      if (value < 0 || value > 0xFFFF) {
        throw new IllegalArgumentException("u16 out of range: " + value);
      }
    }

    @Override
    public String kind() {
      return "u16";
    }
  }

  /** {@code u32}, held in a long. */
  record U32(long value) implements WitValue {
    public U32 {
      if (value < 0 || value > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("u32 out of range: " + value);
      }
    }

    @Override
    public String kind() {
      return "u32";
    }
  }

  /** {@code u64}: the 64 bits of {@code value} read as unsigned ({@link Long#toUnsignedString}). */
  record U64(long value) implements WitValue {
    @Override
    public String kind() {
      return "u64";
    }

    @Override
    public String toString() {
      return "U64[value=" + Long.toUnsignedString(value) + "]";
    }
  }

  /** {@code f32}. */
  record F32(float value) implements WitValue {
    @Override
    public String kind() {
      return "f32";
    }
  }

  /** {@code f64}. */
  record F64(double value) implements WitValue {
    @Override
    public String kind() {
      return "f64";
    }
  }

  /** {@code char}: one Unicode scalar value (never a surrogate). */
  record Char(int codePoint) implements WitValue {
    public Char {
      if (!Character.isValidCodePoint(codePoint)
          || codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
        throw new IllegalArgumentException(
            "not a Unicode scalar value: U+" + Integer.toHexString(codePoint));
      }
    }

    @Override
    public String kind() {
      return "char";
    }
  }

  /** {@code string}. */
  record Str(String value) implements WitValue {
    public Str {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String kind() {
      return "string";
    }
  }

  // ---- composites

  /** {@code list<T>}. */
  record ListValue(List<WitValue> elements) implements WitValue {
    public ListValue {
      elements = elements instanceof ValueCache.Bytes ? elements : List.copyOf(elements);
    }

    @Override
    public String kind() {
      return "list";
    }

    /**
     * The elements as bytes, when this is a {@code list<u8>}.
     *
     * @throws IllegalStateException naming the first element that is not a u8
     */
    public byte[] bytes() {
      if (elements instanceof ValueCache.Bytes b) {
        return b.bytes.clone();
      }
      byte[] out = new byte[elements.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(elements.get(i) instanceof U8 u)) {
          throw new IllegalStateException(
              "element " + i + " is " + elements.get(i).kind() + ", not u8");
        }
        out[i] = (byte) u.value();
      }
      return out;
    }
  }

  /** A record: its fields by name, in order. */
  record RecordValue(Map<String, WitValue> fields) implements WitValue {
    public RecordValue {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public String kind() {
      return "record";
    }

    /** The field's value, or null if the record does not hold it. */
    public @Nullable WitValue get(String field) {
      return fields.get(field);
    }
  }

  /** {@code tuple<...>}. */
  record TupleValue(List<WitValue> elements) implements WitValue {
    public TupleValue {
      elements = List.copyOf(elements);
    }

    @Override
    public String kind() {
      return "tuple";
    }
  }

  /** A variant case, with its payload if the case has one. */
  record VariantValue(String caseName, @Nullable WitValue payload) implements WitValue {
    public VariantValue {
      Objects.requireNonNull(caseName, "caseName");
    }

    @Override
    public String kind() {
      return "variant";
    }
  }

  /** An enum case. */
  record EnumValue(String caseName) implements WitValue {
    public EnumValue {
      Objects.requireNonNull(caseName, "caseName");
    }

    @Override
    public String kind() {
      return "enum";
    }
  }

  /** {@code option<T>}: {@code some(value)} or, with a null value, {@code none}. */
  record OptionValue(@Nullable WitValue value) implements WitValue {
    @Override
    public String kind() {
      return "option";
    }

    public boolean isSome() {
      return value != null;
    }
  }

  /** {@code result<T, E>}: ok or err, each with its payload if the type has one. */
  record ResultValue(boolean isOk, @Nullable WitValue payload) implements WitValue {
    @Override
    public String kind() {
      return "result";
    }
  }

  /** {@code flags}: the names that are set. */
  record FlagsValue(Set<String> names) implements WitValue {
    public FlagsValue {
      names = Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }

    @Override
    public String kind() {
      return "flags";
    }
  }

  /**
   * A handle to a resource the stub owns (an open stream). It is only meaningful to the stub that
   * returned it.
   *
   * @param resource the resource type's WIT name, {@code interface.resource}
   */
  record HandleValue(String resource, int id) implements WitValue {
    public HandleValue {
      Objects.requireNonNull(resource, "resource");
    }

    @Override
    public String kind() {
      return "own<" + resource + ">";
    }
  }

  // ---- factories

  static Bool bool(boolean value) {
    return value ? ValueCache.TRUE : ValueCache.FALSE;
  }

  static S8 s8(byte value) {
    return new S8(value);
  }

  static S16 s16(short value) {
    return new S16(value);
  }

  static S32 s32(int value) {
    return new S32(value);
  }

  static S64 s64(long value) {
    return new S64(value);
  }

  static U8 u8(int value) {
    return value >= 0 && value <= 0xFF ? ValueCache.U8S[value] : new U8(value);
  }

  static U16 u16(int value) {
    return new U16(value);
  }

  static U32 u32(long value) {
    return new U32(value);
  }

  /** A u64 from the 64 bits of {@code value}, read as unsigned. */
  static U64 u64(long value) {
    return new U64(value);
  }

  static F32 f32(float value) {
    return new F32(value);
  }

  static F64 f64(double value) {
    return new F64(value);
  }

  static Char character(int codePoint) {
    return new Char(codePoint);
  }

  static Str string(String value) {
    return new Str(value);
  }

  static ListValue list(List<? extends WitValue> elements) {
    return new ListValue(new ArrayList<>(elements));
  }

  static ListValue list(WitValue... elements) {
    return new ListValue(Arrays.asList(elements));
  }

  /** A {@code list<u8>} over a copy of {@code bytes}, without a boxed value per byte. */
  static ListValue bytes(byte[] bytes) {
    return new ListValue(new ValueCache.Bytes(bytes.clone()));
  }

  static TupleValue tuple(WitValue... elements) {
    return new TupleValue(Arrays.asList(elements));
  }

  static VariantValue variant(String caseName, @Nullable WitValue payload) {
    return new VariantValue(caseName, payload);
  }

  static VariantValue variant(String caseName) {
    return new VariantValue(caseName, null);
  }

  static EnumValue enumCase(String caseName) {
    return new EnumValue(caseName);
  }

  static OptionValue some(WitValue value) {
    return new OptionValue(Objects.requireNonNull(value, "value"));
  }

  static OptionValue none() {
    return ValueCache.NONE;
  }

  static ResultValue ok(@Nullable WitValue payload) {
    return new ResultValue(true, payload);
  }

  static ResultValue err(@Nullable WitValue payload) {
    return new ResultValue(false, payload);
  }

  static FlagsValue flags(String... names) {
    return new FlagsValue(new LinkedHashSet<>(Arrays.asList(names)));
  }

  static FlagsValue flags(Set<String> names) {
    return new FlagsValue(names);
  }

  /** A record builder; fields keep the order they are added in. */
  static RecordBuilder record() {
    return new RecordBuilder();
  }

  /** Builds a {@link RecordValue}. */
  final class RecordBuilder {
    private final Map<String, WitValue> fields = new LinkedHashMap<>();

    private RecordBuilder() {}

    /** Adds or replaces a field. */
    public RecordBuilder field(String name, WitValue value) {
      fields.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public RecordValue build() {
      return new RecordValue(fields);
    }
  }
}
