package dev.switchboard.cli;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The positional operands of {@code list} and {@code describe}: {@code [TARGET] [SYMBOL]}. TARGET
 * may be left out when --proto or --protoset gives the contract, as with grpcurl. One operand is
 * then told apart by its shape: every target has a colon (host:port, unix:/path, inproc:name) and
 * no proto name does.
 */
record Operands(@Nullable String target, @Nullable String symbol) {
  static Operands of(List<String> operands, boolean contractFromFiles, String symbolLabel)
      throws BadInputException {
    if (operands.size() > 2) {
      throw new BadInputException(
          "expected [TARGET] ["
              + symbolLabel
              + "], got "
              + operands.size()
              + " operands: "
              + String.join(" ", operands));
    }
    if (operands.size() == 2) {
      return new Operands(operands.get(0), operands.get(1));
    }
    if (operands.isEmpty()) {
      if (!contractFromFiles) {
        throw new BadInputException(
            "TARGET is required unless --proto or --protoset gives the contract");
      }
      return new Operands(null, null);
    }
    String only = operands.get(0);
    if (contractFromFiles && !only.contains(":")) {
      return new Operands(null, only);
    }
    return new Operands(only, null);
  }
}
