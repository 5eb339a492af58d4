package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.wit.Binding;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * WAVE against the published behaviour of wasm-tools' {@code wasm-wave}: the examples of its README
 * and the accept/reject cases of its {@code tests/ui} suite (types from its {@code ui.wit}), each
 * input read and written back as the crate's writer writes it.
 */
class WaveTest {
  private static final Origin SYN = Origin.of(Origin.Kind.SYNTHETIC, "test");
  private static final String PKG = "ui:tests";
  private static final WitTypes TYPES = uiTypes();

  private static WitTypeRef p(String keyword) {
    return WitTypeRef.primitive(keyword);
  }

  private static WitTypeRef named(String name) {
    return WitTypeRef.named(PKG, "ui", name);
  }

  private static WitField field(String name, WitTypeRef type) {
    return WitField.of(name, type, "", SYN);
  }

  private static WitField label(String name) {
    return WitField.of(name, null, "", SYN);
  }

  private static WitType type(String name, WitType.Kind kind, WitField... members) {
    return new WitType(name, kind, "", SYN, List.of(members), null, List.of());
  }

  /** The types of wasm-wave's tests/ui/ui.wit and tests/types.wit. */
  static WitTypes uiTypes() {
    List<WitType> types = new ArrayList<>();
    WitTypeRef u8 = p("u8");
    types.add(
        type(
            "basic",
            WitType.Kind.RECORD,
            field("required", u8),
            field("optional", WitTypeRef.option(u8))));
    types.add(
        type(
            "optional-fields",
            WitType.Kind.RECORD,
            field("a", WitTypeRef.option(u8)),
            field("b", WitTypeRef.option(u8))));
    types.add(
        type(
            "keyword-fields",
            WitType.Kind.RECORD,
            field("true", p("bool")),
            field("false", p("bool")),
            field("some", WitTypeRef.option(u8)),
            field("none", WitTypeRef.option(u8)),
            field("inf", p("f32")),
            field("nan", p("f32"))));
    types.add(type("hand", WitType.Kind.ENUM, label("left"), label("right")));
    types.add(
        type(
            "keyword-cases",
            WitType.Kind.ENUM,
            label("true"),
            label("false"),
            label("some"),
            label("none"),
            label("ok"),
            label("err"),
            label("inf"),
            label("nan")));
    types.add(type("permissions", WitType.Kind.FLAGS, label("read"), label("write")));
    types.add(
        type(
            "response",
            WitType.Kind.VARIANT,
            label("empty"),
            field("body", WitTypeRef.list(u8)),
            field("err", p("string"))));
    types.add(
        type(
            "variant-type",
            WitType.Kind.VARIANT,
            label("without-payload"),
            field("with-payload", u8)));
    WitInterface ui = new WitInterface("ui", "", SYN, types, List.of());
    WitPackage pkg = new WitPackage("ui", "tests", "0.1.0", "", SYN, List.of(ui), "");
    return WitTypes.of(new Binding(Binding.Source.OPENAPI, List.of(pkg), List.of()));
  }

  private static String roundTrip(WitTypeRef type, String wave) {
    return Wave.print(Wave.parse(TYPES, type, wave));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          bool        | true                         | true
          s8          | -9                           | -9
          u64         | 18446744073709551615         | 18446744073709551615
          s64         | -9223372036854775808         | -9223372036854775808
          f64         | 3.14                         | 3.14
          f64         | 6.022e+23                    | 602200000000000000000000
          f64         | nan                          | nan
          f64         | -inf                         | -inf
          f32         | 0e-1                         | 0
          f32         | -0.0e-0                      | -0
          f32         | 3.4028234664e38              | 340282350000000000000000000000000000000
          f32         | 3.4028234664123e38           | 340282350000000000000000000000000000000
          f32         | 3.4028234664e39              | inf
          f32         | 1.4012984643e-45             | 0.000000000000000000000000000000000000000000001
          f32         | 1.4012984643e-46             | 0
          f32         | -3.1415                      | -3.1415
          f64         | 0.1                          | 0.1
          char        | 'x'                          | 'x'
          char        | '\\u{78}'                    | 'x'
          char        | '\\u{002603}'                | '☃'
          char        | '"'                          | '\\"'
          char        | '\\u{0}'                     | '\\u{0}'
          char        | '🌊'                         | '🌊'
          string      | "abc\\t123"                  | "abc\\t123"
          string      | "'\\'\\u{27}"                | "\\'\\'\\'"
          string      | "WAVE🌊"                     | "WAVE🌊"
          """)
  void primitivesReadAndWriteAsWasmWaveDoes(String type, String in, String out) {
    assertThat(roundTrip(p(type), in)).isEqualTo(out);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          basic            | { required: 1 }                           | {required: 1}
          basic            | { required: 1, optional: none, }          | {required: 1}
          basic            | { optional: none, required: 1 }           | {required: 1}
          basic            | { optional: some(2), required: 1, }       | {required: 1, optional: some(2)}
          basic            | {required: 1, optional: 2}                | {required: 1, optional: some(2)}
          basic            | {%required: 1}                            | {required: 1}
          optional-fields  | {:}                                       | {:}
          optional-fields  | { : }                                     | {:}
          optional-fields  | {a:none,b:none}                           | {:}
          optional-fields  | {b:some(2),a:some(1)}                     | {a: some(1), b: some(2)}
          keyword-fields   | {true: true, false: false, some: some(1), none: none, inf: inf, nan: nan} | {true: true, false: false, some: some(1), inf: inf, nan: nan}
          hand             | left                                      | left
          hand             | %left                                     | left
          keyword-cases    | %true                                     | %true
          keyword-cases    | %nan                                      | %nan
          permissions      | {}                                        | {}
          permissions      | { write, read, }                          | {read, write}
          response         | empty                                     | empty
          response         | body([79, 75])                            | body([79, 75])
          response         | %err("oops")                              | %err("oops")
          variant-type     | with-payload(7)                           | with-payload(7)
          """)
  void namedTypesReadAndWriteAsWasmWaveDoes(String type, String in, String out) {
    assertThat(roundTrip(named(type), in)).isEqualTo(out);
  }

  @Test
  void optionsListsTuplesAndResults() {
    WitTypeRef optU8 = WitTypeRef.option(p("u8"));
    assertThat(roundTrip(optU8, "123")).isEqualTo("some(123)");
    assertThat(roundTrip(optU8, "none")).isEqualTo("none");
    WitTypeRef nested =
        new WitTypeRef(WitTypeRef.Kind.OPTION, "", null, null, List.of(WitTypeRef.option(p("s8"))));
    assertThat(roundTrip(nested, "some(none)")).isEqualTo("some(none)");
    assertThatThrownBy(() -> Wave.parse(TYPES, nested, "1"))
        .isInstanceOf(ValueException.class)
        .hasMessageContaining("expected some(...) or none");
    assertThat(roundTrip(WitTypeRef.list(p("char")), "['a', 'b', 'c',]"))
        .isEqualTo("['a', 'b', 'c']");
    assertThat(roundTrip(WitTypeRef.tuple(List.of(p("u8"), p("string"))), "(123, \"abc\")"))
        .isEqualTo("(123, \"abc\")");
  }

  @Test
  void commentsAndWhitespaceBetweenTokens() {
    assertThat(
            roundTrip(
                named("basic"),
                """
                {                 // comment
                  required: 1,    // comment
                  optional: some( // comment
                    1             // comment
                  ),              // comment
                }                 // comment
                """))
        .isEqualTo("{required: 1, optional: some(1)}");
  }

  @Test
  void multilineStringsDedentByTheClosingLine() {
    String in = "\"\"\"\n    Trailing indent\n  determines dedent\n      behavior.\n  \"\"\"";
    assertThat(Wave.parse(TYPES, p("string"), in))
        .isEqualTo(WitValue.string("  Trailing indent\ndetermines dedent\n    behavior."));
    assertThat(Wave.parse(TYPES, p("string"), "\"\"\"\n\"\"\"")).isEqualTo(WitValue.string(""));
    assertThat(
            Wave.parse(
                TYPES,
                p("string"),
                "\"\"\"\nBreak up double quote sequences: \"\"\\\"\"\nOther escapes work: \\\\\\'\\\"\\t\\n\\r\\u{2603}\n\"\"\""))
        .isEqualTo(
            WitValue.string(
                "Break up double quote sequences: \"\"\"\"\nOther escapes work: \\'\"\t\n\r☃"));
    assertThat(
            Wave.parse(
                TYPES,
                p("string"),
                "\"\"\"\n\nEmpty leading and trailing lines are retained\n\n\"\"\""))
        .isEqualTo(WitValue.string("\nEmpty leading and trailing lines are retained\n"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          char            | ''                    | invalid char literal
          char            | 'ab'                  | exactly one character
          char            | '\\z'                 | invalid escape
          char            | '\\u{110000}'         | not a Unicode scalar value
          char            | '\\u{D800}'           | not a Unicode scalar value
          char            | '\\u{}'               | invalid escape
          string          | "\\u{d800}"           | not a Unicode scalar value
          string          | "\\u{-1}"             | invalid escape
          string          | "\\"                  | unterminated string
          f32             | -nan                  | expected f32
          f32             | NaN                   | expected f32
          f64             | infinity              | expected f64
          f32             | Inf                   | expected f32
          u8              | 256                   | out of range for u8
          u8              | -0                    | out of range for u8
          u32             | 1.5                   | not an integer
          s32             | 01                    | expected s32
          """)
  void rejectsWhatWasmWaveRejects(String type, String in, String message) {
    assertThatThrownBy(() -> Wave.parse(TYPES, p(type), in))
        .isInstanceOf(ValueException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          basic           | { optional: none }                        | missing field required
          basic           | { required: 0, required: 0 }              | duplicate field
          basic           | { required: 0,, }                         | unexpected ','
          basic           | { , required: 0, }                        | unexpected ','
          optional-fields | {}                                        | an empty record is written {:}
          permissions     | { read, read }                            | duplicate flag read
          permissions     | { read, write, execute }                  | unknown flag execute
          keyword-cases   | true                                      | expected a case of keyword-cases, got true
          keyword-cases   | none                                      | expected a case of keyword-cases, got none
          hand            | middle                                    | unknown case middle of hand (left, right)
          """)
  void rejectsBadNamedValuesWithTheirPlace(String type, String in, String message) {
    assertThatThrownBy(() -> Wave.parse(TYPES, named(type), in))
        .isInstanceOf(ValueException.class)
        .hasMessageContaining(message);
  }

  @Test
  void errorsNameThePathLineAndColumn() {
    assertThatThrownBy(
            () ->
                Wave.parse(
                    TYPES, WitTypeRef.list(named("basic")), "[{required: 1},\n {required: \"x\"}]"))
        .isInstanceOf(ValueException.class)
        .hasMessage("[1].required (2:13): expected u8, got a string");
  }

  @Test
  void optionsAndResultsPrintExplicitly() {
    assertThat(Wave.print(WitValue.ok(WitValue.string("explicit ok"))))
        .isEqualTo("ok(\"explicit ok\")");
    assertThat(Wave.print(WitValue.err(null))).isEqualTo("err");
    assertThat(Wave.print(WitValue.some(WitValue.u8(1)))).isEqualTo("some(1)");
    assertThat(Wave.print(WitValue.string("a\u0007\u0301b"))).isEqualTo("\"a\\u{7}\\u{301}b\"");
  }
}
