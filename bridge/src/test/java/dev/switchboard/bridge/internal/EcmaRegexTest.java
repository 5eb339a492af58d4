package dev.switchboard.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where ECMA-262 and java.util.regex disagree, the translated pattern behaves as ECMA-262 does
 * (JSON Schema's {@code pattern}, matched anywhere in the value). Each row: pattern, input, whether
 * ECMA-262 finds a match (as a browser's {@code new RegExp(p).test(s)} answers).
 */
class EcmaRegexTest {
  @ParameterizedTest(name = "/{0}/.test({1}) = {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          ^abc$           | `abc\n`        | false
          ^abc$           | abc            | true
          ^a.c$           | `a\u0085c`     | true
          ^a.c$           | `a\nc`         | false
          ^a.c$           | `a\u2028c`     | false
          ^\\s$           | `\u00a0`       | true
          ^\\s$           | `\ufeff`       | true
          ^\\S$           | `\u00a0`       | false
          ^[\\s]$         | `\u3000`       | true
          ^[^]$           | `\n`           | true
          []              | a              | false
          ^[a[]+$         | `a[a`          | true
          ^[a&&b]+$       | `&&`           | true
          ^[\\b]$         | `\b`           | true
          a{              | `a{`           | true
          a{2}            | aa             | true
          x}              | `x}`           | true
          ^\\d+$          | `١٢`           | false
          ^\\w+$          | é              | false
          \\/api\\/       | /api/v1        | true
          ^\\0$           | `\\0`         | true
          ^\\cJ$          | `\n`           | true
          ^\\Aa$          | Aa             | true
          ^(?<y>\\d{4})-\\k<y>$ | 2020-2020 | true
          ^(?=a)ab$       | ab             | true
          (?<=a)b         | ab             | true
          ^\\u00e9$       | é              | true
          ^\\x41$         | A              | true
          """)
  void behavesAsEcma262(String pattern, String input, boolean matches) {
    String unescaped = input.translateEscapes();
    assertThat(EcmaRegex.compile(pattern).matcher(unescaped).find()).isEqualTo(matches);
  }

  @ParameterizedTest
  @CsvSource({"a*+", "(?>a)", "(?i)a"})
  void rejectsJavaOnlySyntax(String pattern) {
    assertThatThrownBy(() -> EcmaRegex.compile(pattern)).isInstanceOf(PatternSyntaxException.class);
  }
}
