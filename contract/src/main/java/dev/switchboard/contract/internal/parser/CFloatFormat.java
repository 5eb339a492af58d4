package dev.switchboard.contract.internal.parser;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Prints floating-point default values the way protoc does (SimpleDtoa/SimpleFtoa: C's {@code %g}
 * with 15 or 6 significant digits, widened to 17 or 9 when that does not round-trip). Java's own
 * {@code %g} differs from C's, so the C rules are spelled out here.
 */
final class CFloatFormat {
  private CFloatFormat() {}

  static String formatDouble(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String s = percentG(value, 15);
    if (Double.parseDouble(s) != value) {
      s = percentG(value, 17);
    }
    return s;
  }

  static String formatFloat(float value) {
    if (Float.isNaN(value)) {
      return "nan";
    }
    if (Float.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String s = percentG(value, 6);
    // protoc checks the short form with safe_strtof, which also fails on the ERANGE that strtof
    // reports for subnormal results, so subnormals always get the long form.
    boolean subnormal = value != 0 && Math.abs(value) < Float.MIN_NORMAL;
    if (subnormal || Float.parseFloat(s) != value) {
      s = percentG(value, 9);
    }
    return s;
  }

  /** C's {@code printf("%.<precision>g", value)}. */
  static String percentG(double value, int precision) {
    if (value == 0) {
      return (1 / value < 0) ? "-0" : "0";
    }
    BigDecimal exact = new BigDecimal(value);
    BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    String digits = rounded.unscaledValue().abs().toString();
    while (digits.length() < precision) {
      digits = digits + "0";
    }
    StringBuilder out = new StringBuilder();
    if (rounded.signum() < 0) {
      out.append('-');
    }
    if (exponent < precision && exponent >= -4) {
      if (exponent >= 0) {
        out.append(digits, 0, exponent + 1);
        String fraction = stripZeros(digits.substring(exponent + 1));
        if (!fraction.isEmpty()) {
          out.append('.').append(fraction);
        }
      } else {
        out.append("0.");
        out.append("0".repeat(-exponent - 1));
        out.append(stripZeros(digits));
      }
    } else {
      out.append(digits.charAt(0));
      String fraction = stripZeros(digits.substring(1));
      if (!fraction.isEmpty()) {
        out.append('.').append(fraction);
      }
      out.append('e').append(exponent < 0 ? '-' : '+');
      int abs = Math.abs(exponent);
      if (abs < 10) {
        out.append('0');
      }
      out.append(abs);
    }
    return out.toString();
  }

  private static String stripZeros(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '0') {
      end--;
    }
    return s.substring(0, end);
  }
}
