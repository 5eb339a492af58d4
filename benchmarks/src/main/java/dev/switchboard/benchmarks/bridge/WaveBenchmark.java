package dev.switchboard.benchmarks.bridge;

import dev.switchboard.bridge.Wave;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.wit.OpenApiTranslator;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * WAVE parse and print of the largest request value of GitHub's REST API: of every function's
 * parameters, the type whose filled-in value (every option some, every list one element, a few
 * levels deep) prints longest. Per-value cost of reading it ({@code parse}), writing it ({@code
 * print}) and both.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar WaveBenchmark -p
 * document=PATH/api.github.com.json} (the file of {@code npm pack @octokit/openapi@23.0.2}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WaveBenchmark {
  @Param({""})
  public String document;

  private WitTypes types;
  private WitTypeRef type;
  private WitValue value;
  private String text;

  @Setup
  public void setUp() throws Exception {
    if (document.isEmpty()) {
      throw new IllegalArgumentException("-p document=PATH/api.github.com.json is required");
    }
    types = WitTypes.of(OpenApiTranslator.create().translate(OpenApiContract.load(document)));
    String longest = "";
    for (WitTypes.Function f : types.functions()) {
      for (WitField p : f.function().params()) {
        WitValue v = types.check(p.type(), fill(p.type(), 0, new LinkedHashSet<>()), p.name());
        String t = Wave.print(v);
        if (t.length() > longest.length()) {
          longest = t;
          type = p.type();
          value = v;
        }
      }
    }
    text = longest;
    System.out.printf(
        "%nlargest request: %s, %d WAVE characters%n", WitTypes.describe(type), text.length());
  }

  @Benchmark
  public WitValue parse() {
    return Wave.parse(types, type, text);
  }

  @Benchmark
  public String print() {
    return Wave.print(value);
  }

  @Benchmark
  public String parseAndPrint() {
    return Wave.print(Wave.parse(types, type, text));
  }

  /** A filled-in value: options some, lists of one, the last case, four levels deep. */
  private WitValue fill(WitTypeRef t, int depth, Set<String> path) {
    boolean deep = depth > 4;
    return switch (t.kind()) {
      case PRIMITIVE ->
          switch (t.name()) {
            case "bool" -> WitValue.bool(true);
            case "s32" -> WitValue.s32(-42);
            case "s64" -> WitValue.s64(1234567890123L);
            case "u32" -> WitValue.u32(42);
            case "u64" -> WitValue.u64(42);
            case "f32" -> WitValue.f32(1.5f);
            case "f64" -> WitValue.f64(0.25);
            case "u8" -> WitValue.u8(7);
            case "char" -> WitValue.character('x');
            case "s8" -> WitValue.s8((byte) -1);
            case "s16" -> WitValue.s16((short) -1);
            case "u16" -> WitValue.u16(1);
            default -> WitValue.string("a \"quoted\" value\twith ☃");
          };
      case OPTION -> deep ? WitValue.none() : WitValue.some(fill(t.args().get(0), depth + 1, path));
      case LIST -> deep ? WitValue.list() : WitValue.list(fill(t.args().get(0), depth + 1, path));
      case TUPLE ->
          new WitValue.TupleValue(t.args().stream().map(a -> fill(a, depth + 1, path)).toList());
      case NAMED -> fillNamed(t, depth, path);
      default -> throw new IllegalStateException("no value for " + t.kind());
    };
  }

  private WitValue fillNamed(WitTypeRef t, int depth, Set<String> path) {
    if ("json".equals(t.name()) && "switchboard:rpc".equals(t.packageName())) {
      return WitValue.string("{\"k\":[1,2]}");
    }
    WitType d = types.resolve(t);
    return switch (d.kind()) {
      case ALIAS -> fill(d.target(), depth, path);
      case RECORD -> {
        WitValue.RecordBuilder b = WitValue.record();
        for (WitField f : d.members()) {
          b.field(f.name(), fill(f.type(), depth + 1, path));
        }
        yield b.build();
      }
      case VARIANT -> {
        WitField c = d.members().get(d.members().size() - 1);
        yield c.type() == null
            ? WitValue.variant(c.name())
            : WitValue.variant(c.name(), fill(c.type(), depth + 1, path));
      }
      case ENUM -> WitValue.enumCase(d.members().get(0).name());
      case FLAGS -> WitValue.flags(d.members().get(0).name());
      default -> throw new IllegalStateException("no value for " + d.kind());
    };
  }
}
