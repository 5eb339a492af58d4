package dev.switchboard.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The style examples of the OpenAPI 3.0.3 specification (section "Style Examples"): {@code color}
 * as the string {@code blue}, the array {@code [blue, black, brown]} and the object {@code {R: 100,
 * G: 200, B: 150}}, in every style with and without explode. Where the specification prints a
 * character RFC 3986 does not allow in that place ({@code |}, {@code [}, a space), we send it
 * percent-encoded, as RFC 6570 requires.
 */
class HttpParametersTest {
  private static final HttpParameters.Shape STRING = new HttpParameters.Text("blue");
  private static final HttpParameters.Shape ARRAY =
      new HttpParameters.Items(List.of("blue", "black", "brown"));
  private static final HttpParameters.Shape OBJECT =
      new HttpParameters.Pairs(List.of(entry("R", "100"), entry("G", "200"), entry("B", "150")));

  private static Map.Entry<String, String> entry(String k, String v) {
    return new AbstractMap.SimpleImmutableEntry<>(k, v);
  }

  private static HttpParameters.Shape shape(String which) {
    return switch (which) {
      case "string" -> STRING;
      case "array" -> ARRAY;
      default -> OBJECT;
    };
  }

  @ParameterizedTest(name = "{0} explode={1} {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          matrix | false | string | ;color=blue
          matrix | false | array  | ;color=blue,black,brown
          matrix | false | object | ;color=R,100,G,200,B,150
          matrix | true  | string | ;color=blue
          matrix | true  | array  | ;color=blue;color=black;color=brown
          matrix | true  | object | ;R=100;G=200;B=150
          label  | false | string | .blue
          label  | false | array  | .blue,black,brown
          label  | false | object | .R,100,G,200,B,150
          label  | true  | string | .blue
          label  | true  | array  | .blue.black.brown
          label  | true  | object | .R=100.G=200.B=150
          simple | false | string | blue
          simple | false | array  | blue,black,brown
          simple | false | object | R,100,G,200,B,150
          simple | true  | string | blue
          simple | true  | array  | blue,black,brown
          simple | true  | object | R=100,G=200,B=150
          """)
  void pathStyles(String style, boolean explode, String value, String expected) {
    assertThat(HttpParameters.path("color", shape(value), style, explode)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} explode={1} {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          form           | false | string | color=blue
          form           | false | array  | color=blue,black,brown
          form           | false | object | color=R,100,G,200,B,150
          form           | true  | string | color=blue
          form           | true  | array  | color=blue&color=black&color=brown
          form           | true  | object | R=100&G=200&B=150
          spaceDelimited | false | array  | color=blue%20black%20brown
          spaceDelimited | true  | array  | color=blue&color=black&color=brown
          pipeDelimited  | false | array  | color=blue%7Cblack%7Cbrown
          pipeDelimited  | true  | array  | color=blue&color=black&color=brown
          deepObject     | true  | object | color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150
          """)
  void queryStyles(String style, boolean explode, String value, String expected) {
    assertThat(String.join("&", HttpParameters.query("color", shape(value), style, explode, false)))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a b          | false | a%20b
          a/b?c=d&e#f  | false | a%2Fb%3Fc%3Dd%26e%23f
          a/b?c=d&e#f  | true  | a/b?c=d&e%23f
          ü€😀         | false | %C3%BC%E2%82%AC%F0%9F%98%80
          -._~         | false | -._~
          """)
  void percentEncodingFollowsRfc3986(String raw, boolean allowReserved, String expected) {
    assertThat(HttpParameters.encode(raw, allowReserved)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void headersAndCookies() {
    assertThat(HttpParameters.header(ARRAY, false)).isEqualTo("blue,black,brown");
    assertThat(HttpParameters.header(OBJECT, true)).isEqualTo("R=100,G=200,B=150");
    assertThat(HttpParameters.cookie("color", STRING, null)).containsExactly("color=blue");
    assertThat(HttpParameters.cookie("color", ARRAY, false))
        .containsExactly("color=blue,black,brown");
  }
}
