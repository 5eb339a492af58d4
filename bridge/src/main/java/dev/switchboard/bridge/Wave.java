package dev.switchboard.bridge;

import dev.switchboard.bridge.internal.WaveParser;
import dev.switchboard.bridge.internal.WavePrinter;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * WAVE, the WebAssembly Value Encoding (wasm-tools' {@code wasm-wave}, used by wasmtime's {@code
 * --invoke} and Golem's CLI): {@code {title: "Buy milk", due-date: some("2025-01-01")}}, {@code [1,
 * 2, 3]}, {@code ok("done")}, {@code %none}. Parsing is typed by a {@link WitTypes}; printing
 * writes the same text wasm-wave's writer does.
 */
public final class Wave {
  private Wave() {}

  /**
   * Reads one value of {@code type}.
   *
   * @throws ValueException naming the line, column and path of the first problem
   */
  public static WitValue parse(WitTypes types, WitTypeRef type, String text) {
    return WaveParser.parse(types, type, text, "");
  }

  /** Reads a function's result: {@code ok(...)}, {@code err(...)}, or a flat ok payload. */
  public static WitValue.ResultValue parseResult(
      WitTypes types, WitTypes.Function function, String text) {
    WitFunction f = function.function();
    return (WitValue.ResultValue) WaveParser.parseResult(types, f.ok(), f.error(), text, "");
  }

  /**
   * Reads a call's arguments, one WAVE value per parameter in order. Trailing {@code option}
   * parameters may be left out (they are {@code none}), as WAVE's function-call form allows, and so
   * may a trailing {@code auth} parameter, which a stub fills from its configured credentials (or,
   * when it is an {@code option}, with {@code none}).
   *
   * @throws ValueException for a missing or extra argument, or a value that does not fit
   */
  public static List<WitValue> parseArguments(
      WitTypes types, WitTypes.Function function, List<String> args) {
    List<WitField> params = function.function().params();
    if (args.size() > params.size()) {
      throw new ValueException(
          function.name(),
          "takes "
              + params.size()
              + " argument"
              + (params.size() == 1 ? "" : "s")
              + " ("
              + WitTypes.signature(function)
              + "), got "
              + args.size());
    }
    List<WitValue> out = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      WitField p = params.get(i);
      WitTypeRef type = requireType(p);
      if (i >= args.size()) {
        if (p.role() == WitField.Role.AUTH && i == params.size() - 1) {
          break; // the stub fills it from its credentials (or with none, when it is optional)
        }
        if (type.kind() == WitTypeRef.Kind.OPTION) {
          out.add(WitValue.none());
          continue;
        }
        throw new ValueException(
            p.name(),
            "missing argument of type "
                + WitTypes.describe(type)
                + " ("
                + WitTypes.signature(function)
                + ")");
      }
      out.add(WaveParser.parse(types, type, args.get(i), p.name()));
    }
    return out;
  }

  /** Writes a value as WAVE. */
  public static String print(WitValue value) {
    return WavePrinter.print(value);
  }

  private static WitTypeRef requireType(WitField p) {
    @Nullable WitTypeRef t = p.type();
    if (t == null) {
      throw new IllegalStateException("parameter " + p.name() + " has no type");
    }
    return t;
  }
}
