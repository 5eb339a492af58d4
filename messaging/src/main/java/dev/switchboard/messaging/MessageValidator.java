package dev.switchboard.messaging;

import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.ValidatorFactory;
import build.buf.protovalidate.Violation;
import build.buf.protovalidate.exceptions.ValidationException;
import build.buf.validate.FieldPath;
import build.buf.validate.FieldPathElement;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks messages against their {@code buf.validate} rules with protovalidate, for generated and
 * dynamic messages alike (rules in options that a contract loaded at run time carries as unknown
 * fields are read too).
 *
 * <p>A failure is {@code INVALID_ARGUMENT} naming every violated field path and rule:
 *
 * <pre>
 * shop.v1.Order is invalid: region: string.min_len: must be at least 2 characters;
 * items[0].quantity: int32.gt: must be greater than 0
 * </pre>
 *
 * Thread-safe; share one.
 */
public final class MessageValidator {
  private final Validator validator;

  private MessageValidator(Validator validator) {
    this.validator = validator;
  }

  /** A validator that checks every rule of every field (not stopping at the first). */
  public static MessageValidator create() {
    return new MessageValidator(ValidatorFactory.newBuilder().build());
  }

  /**
   * The violations of {@code message}, each as {@code field.path: rule.id: message}; empty when it
   * is valid.
   *
   * @throws IllegalArgumentException if the message's rules themselves are broken (a rule that does
   *     not compile), naming the problem
   */
  public List<String> violations(Message message) {
    ValidationResult result;
    try {
      result = validator.validate(message);
    } catch (ValidationException e) {
      throw new IllegalArgumentException(
          "cannot validate " + message.getDescriptorForType().getFullName() + ": " + e.getMessage(),
          e);
    }
    List<String> violations = new ArrayList<>();
    for (Violation violation : result.getViolations()) {
      build.buf.validate.Violation proto = violation.toProto();
      String path = path(proto.getField());
      violations.add(
          (path.isEmpty() ? "(message)" : path)
              + ": "
              + (proto.getRuleId().isEmpty() ? path(proto.getRule()) : proto.getRuleId())
              + ": "
              + proto.getMessage());
    }
    return violations;
  }

  /**
   * Checks {@code message}.
   *
   * @throws StatusRuntimeException {@code INVALID_ARGUMENT} listing every violation
   */
  public void check(Message message) {
    List<String> violations = violations(message);
    if (!violations.isEmpty()) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              message.getDescriptorForType().getFullName()
                  + " is invalid: "
                  + String.join("; ", violations))
          .asRuntimeException();
    }
  }

  /** {@code a.b[2].c["key"]}: the path as a reader of the message would write it. */
  static String path(FieldPath path) {
    StringBuilder text = new StringBuilder();
    for (FieldPathElement element : path.getElementsList()) {
      if (text.length() > 0) {
        text.append('.');
      }
      text.append(element.getFieldName());
      switch (element.getSubscriptCase()) {
        case INDEX -> text.append('[').append(element.getIndex()).append(']');
        case BOOL_KEY -> text.append('[').append(element.getBoolKey()).append(']');
        case INT_KEY -> text.append('[').append(element.getIntKey()).append(']');
        case UINT_KEY ->
            text.append('[').append(Long.toUnsignedString(element.getUintKey())).append(']');
        case STRING_KEY -> text.append("[\"").append(element.getStringKey()).append("\"]");
        case SUBSCRIPT_NOT_SET -> {}
      }
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return "MessageValidator{protovalidate}";
  }
}
