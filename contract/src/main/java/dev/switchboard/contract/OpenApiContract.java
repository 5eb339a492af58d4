package dev.switchboard.contract;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAPI 3.0 document loaded with swagger-parser, from a file or URL, YAML or JSON.
 *
 * <p>References to other documents are resolved; references inside the document ({@code
 * #/components/...}) are deliberately kept, because their names are what a translator names types
 * after and what reveals recursive schemas. swagger-parser's messages become located problems: when
 * no model could be built they are errors, otherwise warnings.
 */
public final class OpenApiContract {
  private static final Pattern ATTRIBUTE = Pattern.compile("attribute ([^ ]+)");

  private final OpenAPI model;
  private final String location;
  private final List<ContractProblem> warnings;

  private OpenApiContract(OpenAPI model, String location, List<ContractProblem> warnings) {
    this.model = model;
    this.location = location;
    this.warnings = List.copyOf(warnings);
  }

  /** Loads a file path or an http(s) URL. */
  public static OpenApiContract load(String fileOrUrl) throws ContractException {
    boolean url = fileOrUrl.startsWith("http://") || fileOrUrl.startsWith("https://");
    if (!url && !Files.isRegularFile(Path.of(fileOrUrl))) {
      throw new ContractException(fileOrUrl, "no such file");
    }
    String location = url ? fileOrUrl : Path.of(fileOrUrl).toAbsolutePath().toString();
    SwaggerParseResult result = new OpenAPIParser().readLocation(location, null, options());
    return from(result, fileOrUrl);
  }

  /** Parses a document given as text; {@code location} names it in problems. */
  public static OpenApiContract parse(String content, String location) throws ContractException {
    SwaggerParseResult result = new OpenAPIParser().readContents(content, null, options());
    return from(result, location);
  }

  private static ParseOptions options() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true); // external references only; internal $refs stay for naming
    options.setResolveFully(false);
    options.setFlatten(false);
    return options;
  }

  private static OpenApiContract from(SwaggerParseResult result, String location)
      throws ContractException {
    List<ContractProblem> problems = new ArrayList<>();
    if (result.getMessages() != null) {
      for (String message : result.getMessages()) {
        problems.add(new ContractProblem(location + "#" + pointer(message), message));
      }
    }
    OpenAPI model = result.getOpenAPI();
    if (model == null
        || (model.getInfo() == null && model.getPaths() == null && model.getComponents() == null)) {
      if (problems.isEmpty()) {
        problems.add(new ContractProblem(location, "not an OpenAPI 3.0 document"));
      }
      throw new ContractException(problems);
    }
    return new OpenApiContract(model, location, problems);
  }

  /** swagger-parser says "attribute paths.'/x'.get.foo is missing"; make a JSON pointer of it. */
  static String pointer(String message) {
    Matcher m = ATTRIBUTE.matcher(message);
    if (!m.find()) {
      return "";
    }
    String dotted = m.group(1);
    StringBuilder pointer = new StringBuilder();
    int i = 0;
    while (i < dotted.length()) {
      String segment;
      if (dotted.charAt(i) == '\'') {
        int end = dotted.indexOf('\'', i + 1);
        end = end < 0 ? dotted.length() : end;
        segment = dotted.substring(i + 1, end);
        i = end + 1;
      } else {
        int end = dotted.indexOf('.', i);
        end = end < 0 ? dotted.length() : end;
        segment = dotted.substring(i, end);
        i = end;
      }
      if (i < dotted.length() && dotted.charAt(i) == '.') {
        i++;
      }
      if (segment.startsWith("(") && segment.endsWith(")")) {
        segment = segment.substring(1, segment.length() - 1); // swagger-parser writes (get)
      }
      pointer.append('/').append(segment.replace("~", "~0").replace("/", "~1"));
    }
    return pointer.toString();
  }

  /** The parsed document. Internal references are still {@code $ref}s. */
  public OpenAPI model() {
    return model;
  }

  /** The file or URL it came from. */
  public String location() {
    return location;
  }

  /** What swagger-parser noted about a document it could still read, each with a JSON pointer. */
  public List<ContractProblem> warnings() {
    return warnings;
  }
}
