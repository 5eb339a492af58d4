package dev.switchboard.contract.internal.parser;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import dev.switchboard.contract.internal.parser.ParsedFile.FieldNode;
import dev.switchboard.contract.internal.parser.ParsedFile.NamePart;
import dev.switchboard.contract.internal.parser.ParsedFile.OptionSite;
import dev.switchboard.contract.internal.parser.ParsedFile.OptionValue;
import dev.switchboard.contract.internal.parser.ParsedFile.ParsedOption;
import dev.switchboard.contract.internal.parser.SymbolTable.Kind;
import dev.switchboard.contract.internal.parser.SymbolTable.Symbol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Interprets options the way protoc's OptionInterpreter does: each option is written as wire-format
 * bytes onto the element's options message, in source order, and the bytes are then parsed as the
 * options type. Known fields (java_package, deprecated, ...) become fields; custom options stay
 * unknown fields, exactly as protoc leaves them in its descriptor sets. Aggregate values ({@code
 * {...}}) are parsed as protobuf text format and serialised in field-number order, as C++
 * serialises a dynamic message.
 */
final class OptionInterpreter {
  /** Option values are tiny; the default 4 KiB stream buffer per value dominated the run time. */
  private static final int SMALL_BUFFER = 64;

  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final Linker linker;
  private final Problems problems;
  private final IdentityHashMap<Object, Boolean> explicitPacked = new IdentityHashMap<>();
  private OptionSite site;

  /** How many values each repeated option of the current site has so far, by field-number path. */
  private final Map<List<Integer>, Integer> repeatedCounts = new java.util.HashMap<>();

  /** A message type and the table its field type names resolve in. */
  private record MessageType(
      String fullName, DescriptorProtoOrBuilder proto, boolean proto3, SymbolTable table) {
    @Nullable FieldDescriptorProtoOrBuilder field(String name) {
      for (FieldDescriptorProtoOrBuilder f : proto.getFieldOrBuilderList()) {
        if (f.getName().equals(name)) {
          return f;
        }
      }
      return null;
    }
  }

  /** Problem in an option; already reported when thrown. */
  private static final class OptionError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OptionError() {
      super(null, null, false, false);
    }
  }

  OptionInterpreter(Linker linker, Problems problems) {
    this.linker = linker;
    this.problems = problems;
    this.site = new OptionSite("", "", List.of(), bytes -> {}, false);
  }

  void interpret(ParsedFile file) {
    for (FieldNode f : file.fields) {
      if (f.explicitPacked != null) {
        explicitPacked.put(f.proto, f.explicitPacked);
      }
    }
    for (OptionSite s : file.optionSites) {
      if (s.options().isEmpty() && !s.alwaysSet()) {
        continue;
      }
      this.site = s;
      repeatedCounts.clear();
      ByteString.Output out = ByteString.newOutput();
      boolean failed = false;
      for (ParsedOption option : s.options()) {
        try {
          out.write(encodeOption(option, out.toByteString()).toByteArray());
        } catch (OptionError e) {
          failed = true;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (failed) {
        continue;
      }
      try {
        s.sink().accept(out.toByteString());
      } catch (InvalidProtocolBufferException e) {
        problems.add(
            s.options().isEmpty() ? file.packageLocation : s.options().get(0).location(),
            "Options could not be encoded: " + e.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------- option names

  private MessageType optionsType(String fullName) {
    Symbol s = linker.findVisible(fullName);
    if (s != null && s.kind() == Kind.MESSAGE) {
      return new MessageType(
          fullName, (DescriptorProtoOrBuilder) s.node(), s.proto3(), linker.table());
    }
    SymbolTable builtin = linker.builtinDescriptorProto();
    // descriptor.proto defines every options message, so the built-in table always has it.
    Symbol b = Objects.requireNonNull(builtin.get(fullName), fullName);
    return new MessageType(fullName, (DescriptorProtoOrBuilder) b.node(), false, builtin);
  }

  private ByteString encodeOption(ParsedOption option, ByteString written) {
    MessageType type = optionsType(site.optionsType());
    List<FieldDescriptorProtoOrBuilder> path = new ArrayList<>();
    String leafName = "";
    SymbolTable fieldTable = type.table();
    List<NamePart> parts = option.name();
    for (int i = 0; i < parts.size(); i++) {
      NamePart part = parts.get(i);
      String shown = displayPrefix(parts, i);
      FieldDescriptorProtoOrBuilder field;
      if (part.isExtension()) {
        Symbol s = linker.resolve(part.name(), site.relativeTo(), false);
        if (s == null) {
          String message =
              "Option \""
                  + shown
                  + "\" unknown. Ensure that your proto definition file imports the"
                  + " proto which defines the option.";
          List<String> near = nearestExtensions(part.name(), type.fullName());
          if (!near.isEmpty()) {
            message += " Did you mean " + String.join(", ", near) + "?";
          }
          throw error(part.location(), message);
        }
        if (s.kind() != Kind.EXTENSION) {
          throw error(
              part.location(),
              "Option \""
                  + shown
                  + "\" is not a field or extension of message \""
                  + simpleName(type.fullName())
                  + "\".");
        }
        field = (FieldDescriptorProtoOrBuilder) s.node();
        if (!field.getExtendee().equals("." + type.fullName())) {
          throw error(
              part.location(),
              "Option field \""
                  + shown
                  + "\" is not a field or extension of message \""
                  + simpleName(type.fullName())
                  + "\".");
        }
        fieldTable = linker.table();
        leafName = s.fullName();
      } else {
        field = type.field(part.name());
        if (field == null) {
          throw error(
              part.location(),
              i == 0
                  ? "Option \"" + part.name() + "\" unknown."
                  : "Option field \""
                      + shown
                      + "\" is not a field or extension of message \""
                      + simpleName(type.fullName())
                      + "\".");
        }
        fieldTable = type.table();
        leafName = type.fullName() + "." + part.name();
      }
      path.add(field);
      if (i < parts.size() - 1) {
        if (field.getType() != FieldDescriptorProto.Type.TYPE_MESSAGE) {
          throw error(
              part.location(), "Option \"" + shown + "\" is an atomic type, not a message.");
        }
        if (field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
          throw error(
              part.location(),
              "Option field \""
                  + shown
                  + "\" is a repeated message. Repeated message"
                  + " options must be initialized using an aggregate value.");
        }
        type = messageType(field.getTypeName(), fieldTable);
      }
    }
    FieldDescriptorProtoOrBuilder leaf = path.get(path.size() - 1);
    if (leaf.getLabel() != FieldDescriptorProto.Label.LABEL_REPEATED && isSet(path, 0, written)) {
      throw error(option.location(), "Option \"" + option.displayName() + "\" was already set.");
    }
    ByteString encoded = encodeTopValue(leaf, fieldTable, option.value(), leafName);
    for (int i = path.size() - 2; i >= 0; i--) {
      encoded = lengthDelimited(path.get(i).getNumber(), encoded);
    }
    recordPath(option, path);
    return encoded;
  }

  /**
   * Completes the source path of an option statement as protoc does once the option is interpreted:
   * the options field's path, then the number of each field in the option's name, then, for a
   * repeated option, the index of this value.
   */
  private void recordPath(ParsedOption option, List<FieldDescriptorProtoOrBuilder> path) {
    if (option.sourceInfo() == null) {
      // Only option statements have locations, and a site holds statements or bracketed options,
      // never both: its repeated counts matter only when the paths are recorded.
      return;
    }
    List<Integer> numbers = new ArrayList<>(path.size());
    for (FieldDescriptorProtoOrBuilder field : path) {
      numbers.add(field.getNumber());
    }
    int valueIndex = -1;
    if (path.get(path.size() - 1).getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
      valueIndex = repeatedCounts.merge(numbers, 1, Integer::sum) - 1;
    }
    option.sourceInfo().addAllPath(numbers);
    if (valueIndex >= 0) {
      option.sourceInfo().addPath(valueIndex);
    }
  }

  /**
   * protoc's ExamineIfOptionIsSet: walks the options written so far along {@code path}; the leaf is
   * taken when its number is already present at the end of the path.
   */
  private static boolean isSet(
      List<FieldDescriptorProtoOrBuilder> path, int depth, ByteString written) {
    UnknownFieldSet fields;
    try {
      fields = UnknownFieldSet.parseFrom(written);
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
    int number = path.get(depth).getNumber();
    if (!fields.hasField(number)) {
      return false;
    }
    if (depth == path.size() - 1) {
      return true;
    }
    for (ByteString nested : fields.getField(number).getLengthDelimitedList()) {
      if (isSet(path, depth + 1, nested)) {
        return true;
      }
    }
    return false;
  }

  private List<String> nearestExtensions(String name, String extendee) {
    List<String> names = new ArrayList<>();
    for (Symbol s : linker.table().extensionsOf(extendee)) {
      names.add(s.fullName());
    }
    List<String> out = new ArrayList<>();
    for (String n : NameSuggestions.nearest(name, names, 3)) {
      out.add("\"(" + n + ")\"");
    }
    return out;
  }

  private static String displayPrefix(List<NamePart> parts, int upTo) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i <= upTo; i++) {
      if (i > 0) {
        out.append('.');
      }
      NamePart p = parts.get(i);
      out.append(p.isExtension() ? "(" + p.name() + ")" : p.name());
    }
    return out.toString();
  }

  private static String simpleName(String fullName) {
    return fullName.substring(fullName.lastIndexOf('.') + 1);
  }

  private MessageType messageType(String typeName, SymbolTable table) {
    String name = typeName.startsWith(".") ? typeName.substring(1) : typeName;
    Symbol s = table.get(name);
    if (s == null || s.kind() != Kind.MESSAGE) {
      throw error(
          site.options().get(0).location(), "Type \"" + name + "\" of an option is not linked.");
    }
    return new MessageType(name, (DescriptorProtoOrBuilder) s.node(), s.proto3(), table);
  }

  private @Nullable EnumDescriptorProtoOrBuilder enumType(String typeName, SymbolTable table) {
    Symbol s = table.get(typeName.startsWith(".") ? typeName.substring(1) : typeName);
    return s != null && s.kind() == Kind.ENUM ? (EnumDescriptorProtoOrBuilder) s.node() : null;
  }

  // ---------------------------------------------------------------- option values

  private ByteString encodeTopValue(
      FieldDescriptorProtoOrBuilder field,
      SymbolTable table,
      OptionValue value,
      String optionName) {
    SourceLocation at = value.location();
    if (field.getType() == FieldDescriptorProto.Type.TYPE_MESSAGE
        || field.getType() == FieldDescriptorProto.Type.TYPE_GROUP) {
      if (value.kind() != OptionValue.Kind.AGGREGATE || value.aggregate() == null) {
        throw error(
            at,
            "Option \""
                + optionName
                + "\" is a message. To set the entire message, use syntax like \""
                + optionName
                + " = { <proto text format> }\". To set fields within it, use syntax like \""
                + optionName
                + ".foo = value\".");
      }
      MessageType type = messageType(field.getTypeName(), table);
      TextCursor cursor = new TextCursor(value.aggregate());
      ByteString body = parseMessage(type, cursor, null);
      return lengthDelimited(field.getNumber(), body);
    }
    if (value.kind() == OptionValue.Kind.AGGREGATE) {
      throw error(
          at,
          "Value must be "
              + expected(field.getType())
              + " for "
              + typeWord(field.getType())
              + " option \""
              + optionName
              + "\".");
    }
    Object scalar = scalarFromOption(field, table, value, optionName);
    return writeSingle(field, scalar);
  }

  private Object scalarFromOption(
      FieldDescriptorProtoOrBuilder field, SymbolTable table, OptionValue value, String name) {
    SourceLocation at = value.location();
    FieldDescriptorProto.Type type = field.getType();
    switch (type) {
      case TYPE_INT32,
          TYPE_SINT32,
          TYPE_SFIXED32,
          TYPE_INT64,
          TYPE_SINT64,
          TYPE_SFIXED64,
          TYPE_UINT32,
          TYPE_FIXED32,
          TYPE_UINT64,
          TYPE_FIXED64 -> {
        if (value.kind() != OptionValue.Kind.INTEGER || value.integer() == null) {
          throw error(
              at,
              "Value must be "
                  + expected(type)
                  + " for "
                  + typeWord(type)
                  + " option \""
                  + name
                  + "\".");
        }
        return checkedInteger(
            type,
            value.integer(),
            at,
            "Value out of range for " + typeWord(type) + " option \"" + name + "\".");
      }
      case TYPE_FLOAT, TYPE_DOUBLE -> {
        if (value.kind() == OptionValue.Kind.INTEGER && value.integer() != null) {
          return value.integer().doubleValue();
        }
        if (value.kind() == OptionValue.Kind.FLOAT) {
          return value.number();
        }
        // protoc 3.21 takes no inf/nan identifiers here (newer versions do).
        throw error(at, "Value must be number for " + typeWord(type) + " option \"" + name + "\".");
      }
      case TYPE_BOOL -> {
        if (value.kind() == OptionValue.Kind.IDENTIFIER && value.text().equals("true")) {
          return 1L;
        }
        if (value.kind() == OptionValue.Kind.IDENTIFIER && value.text().equals("false")) {
          return 0L;
        }
        throw error(at, "Value must be \"true\" or \"false\" for boolean option \"" + name + "\".");
      }
      case TYPE_ENUM -> {
        if (value.kind() != OptionValue.Kind.IDENTIFIER) {
          throw error(at, "Value must be identifier for enum-valued option \"" + name + "\".");
        }
        EnumDescriptorProtoOrBuilder e = enumType(field.getTypeName(), table);
        if (e != null) {
          for (EnumValueDescriptorProtoOrBuilder v : e.getValueOrBuilderList()) {
            if (v.getName().equals(value.text())) {
              return (long) v.getNumber();
            }
          }
        }
        throw error(
            at,
            "Enum type \""
                + field.getTypeName().substring(1)
                + "\" has no value named \""
                + value.text()
                + "\" for option \""
                + name
                + "\".");
      }
      case TYPE_STRING, TYPE_BYTES -> {
        if (value.kind() != OptionValue.Kind.STRING || value.string() == null) {
          throw error(at, "Value must be quoted string for string option \"" + name + "\".");
        }
        return value.string();
      }
      default ->
          throw error(at, "Unsupported option type " + type + " for option \"" + name + "\".");
    }
  }

  private Long checkedInteger(
      FieldDescriptorProto.Type type, BigInteger v, SourceLocation at, String outOfRange) {
    BigInteger min;
    BigInteger max;
    switch (type) {
      case TYPE_INT32, TYPE_SINT32, TYPE_SFIXED32 -> {
        min = BigInteger.valueOf(Integer.MIN_VALUE);
        max = BigInteger.valueOf(Integer.MAX_VALUE);
      }
      case TYPE_UINT32, TYPE_FIXED32 -> {
        min = BigInteger.ZERO;
        max = BigInteger.valueOf(0xFFFF_FFFFL);
      }
      case TYPE_UINT64, TYPE_FIXED64 -> {
        min = BigInteger.ZERO;
        max = UINT64_MAX;
      }
      default -> {
        min = BigInteger.valueOf(Long.MIN_VALUE);
        max = BigInteger.valueOf(Long.MAX_VALUE);
      }
    }
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw error(at, outOfRange);
    }
    return v.longValue();
  }

  private static String expected(FieldDescriptorProto.Type type) {
    return switch (type) {
      case TYPE_UINT32, TYPE_UINT64, TYPE_FIXED32, TYPE_FIXED64 -> "non-negative integer";
      case TYPE_FLOAT, TYPE_DOUBLE -> "number";
      case TYPE_BOOL -> "\"true\" or \"false\"";
      case TYPE_ENUM -> "identifier";
      case TYPE_STRING, TYPE_BYTES -> "quoted string";
      default -> "integer";
    };
  }

  private static String typeWord(FieldDescriptorProto.Type type) {
    return type.name().substring(5).toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- text format (aggregate values)

  /** Walks the tokens of an aggregate value. */
  private static final class TextCursor {
    final List<Token> tokens;
    int index;
    int depth;

    TextCursor(List<Token> tokens) {
      this.tokens = tokens;
    }

    Token peek() {
      return tokens.get(index);
    }

    Token next() {
      Token t = tokens.get(index);
      if (index < tokens.size() - 1) {
        index++;
      }
      return t;
    }

    boolean tryConsume(String s) {
      if (peek().is(s)) {
        next();
        return true;
      }
      return false;
    }
  }

  private record FieldValue(FieldDescriptorProtoOrBuilder field, SymbolTable table, Object value) {}

  /**
   * Parses fields until {@code end} (or the end of the tokens) and returns the serialised message.
   */
  private ByteString parseMessage(MessageType type, TextCursor c, @Nullable String end) {
    if (++c.depth > ProtoParser.MAX_NESTING) {
      throw error(
          c.peek().location(),
          "Error while parsing option value: messages nest more than "
              + ProtoParser.MAX_NESTING
              + " levels deep.");
    }
    try {
      return parseMessageFields(type, c, end);
    } finally {
      c.depth--;
    }
  }

  private ByteString parseMessageFields(MessageType type, TextCursor c, @Nullable String end) {
    Map<Integer, List<FieldValue>> values = new TreeMap<>();
    while (true) {
      Token t = c.peek();
      if (end == null ? t.kind() == Token.Kind.END : t.is(end)) {
        if (end != null) {
          c.next();
        }
        break;
      }
      if (t.kind() == Token.Kind.END) {
        throw error(t.location(), "Error while parsing option value: expected \"" + end + "\".");
      }
      FieldDescriptorProtoOrBuilder field;
      SymbolTable table;
      String shown;
      if (c.tryConsume("[")) {
        StringBuilder name = new StringBuilder(identifier(c).text());
        while (c.tryConsume(".")) {
          name.append('.').append(identifier(c).text());
        }
        if (c.peek().is("/")) {
          throw error(
              c.peek().location(),
              "Error while parsing option value: Any expansions"
                  + " ([type.googleapis.com/...]) are not supported in option values.");
        }
        expect(c, "]");
        shown = "[" + name + "]";
        Symbol s = linker.resolve(name.toString(), site.relativeTo(), false);
        if (s == null
            || s.kind() != Kind.EXTENSION
            || !((FieldDescriptorProtoOrBuilder) s.node())
                .getExtendee()
                .equals("." + type.fullName())) {
          throw error(
              t.location(),
              "Error while parsing option value: Extension \""
                  + name
                  + "\" is not defined or is not an extension of \""
                  + type.fullName()
                  + "\".");
        }
        field = (FieldDescriptorProtoOrBuilder) s.node();
        table = linker.table();
      } else {
        Token nameToken = identifier(c);
        shown = nameToken.text();
        field = type.field(nameToken.text());
        if (field == null) {
          throw error(
              nameToken.location(),
              "Error while parsing option value: Message type \""
                  + type.fullName()
                  + "\" has no field named \""
                  + nameToken.text()
                  + "\".");
        }
        table = type.table();
      }
      List<FieldValue> list = values.computeIfAbsent(field.getNumber(), k -> new ArrayList<>());
      boolean repeated = field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED;
      if (field.getType() == FieldDescriptorProto.Type.TYPE_MESSAGE
          || field.getType() == FieldDescriptorProto.Type.TYPE_GROUP) {
        c.tryConsume(":");
        if (repeated && c.peek().is("[")) {
          c.next();
          if (!c.tryConsume("]")) {
            do {
              list.add(new FieldValue(field, table, nestedMessage(field, table, c)));
            } while (c.tryConsume(","));
            expect(c, "]");
          }
        } else {
          list.add(new FieldValue(field, table, nestedMessage(field, table, c)));
        }
      } else {
        expect(c, ":");
        if (repeated && c.peek().is("[")) {
          c.next();
          if (!c.tryConsume("]")) {
            do {
              list.add(new FieldValue(field, table, textScalar(field, table, c)));
            } while (c.tryConsume(","));
            expect(c, "]");
          }
        } else {
          list.add(new FieldValue(field, table, textScalar(field, table, c)));
        }
      }
      if (!repeated && list.size() > 1) {
        throw error(
            t.location(),
            "Error while parsing option value: Non-repeated field \""
                + shown
                + "\" is specified multiple times.");
      }
      if (!c.tryConsume(",")) {
        c.tryConsume(";");
      }
    }
    ByteString.Output out = ByteString.newOutput();
    for (List<FieldValue> list : values.values()) {
      if (list.isEmpty()) {
        continue;
      }
      FieldDescriptorProtoOrBuilder field = list.get(0).field();
      try {
        if (field.getLabel() != FieldDescriptorProto.Label.LABEL_REPEATED) {
          Object v = list.get(0).value();
          if (hasImplicitPresence(type, field) && isZero(v)) {
            continue;
          }
          out.write(writeSingle(field, v).toByteArray());
        } else if (isPacked(type, field)) {
          ByteString.Output payload = ByteString.newOutput();
          CodedOutputStream p = CodedOutputStream.newInstance(payload, SMALL_BUFFER);
          for (FieldValue fv : list) {
            writeNoTag(p, field.getType(), fv.value());
          }
          p.flush();
          out.write(lengthDelimited(field.getNumber(), payload.toByteString()).toByteArray());
        } else {
          for (FieldValue fv : list) {
            out.write(writeSingle(field, fv.value()).toByteArray());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toByteString();
  }

  private ByteString nestedMessage(
      FieldDescriptorProtoOrBuilder field, SymbolTable table, TextCursor c) {
    MessageType nested = messageType(field.getTypeName(), table);
    if (c.tryConsume("{")) {
      return parseMessage(nested, c, "}");
    }
    if (c.tryConsume("<")) {
      return parseMessage(nested, c, ">");
    }
    throw error(
        c.peek().location(),
        "Error while parsing option value: Expected \"{\", found " + c.peek().describe() + ".");
  }

  private Object textScalar(FieldDescriptorProtoOrBuilder field, SymbolTable table, TextCursor c) {
    Token first = c.peek();
    FieldDescriptorProto.Type type = field.getType();
    String prefix = "Error while parsing option value for \"" + field.getName() + "\": ";
    switch (type) {
      case TYPE_STRING, TYPE_BYTES -> {
        if (first.kind() != Token.Kind.STRING) {
          throw error(first.location(), prefix + "Expected string, got: " + first.text());
        }
        ByteString s = ByteString.EMPTY;
        while (c.peek().kind() == Token.Kind.STRING) {
          ByteString b = c.next().bytes();
          s = s.concat(b == null ? ByteString.EMPTY : b);
        }
        return s;
      }
      case TYPE_BOOL -> {
        Token t = c.next();
        switch (t.text()) {
          case "true", "True", "t", "1" -> {
            return 1L;
          }
          case "false", "False", "f", "0" -> {
            return 0L;
          }
          default ->
              throw error(
                  t.location(),
                  prefix
                      + "Invalid value for boolean field \""
                      + field.getName()
                      + "\". Value: \""
                      + t.text()
                      + "\".");
        }
      }
      case TYPE_FLOAT, TYPE_DOUBLE -> {
        boolean negative = c.tryConsume("-");
        Token t = c.next();
        double d;
        if (t.kind() == Token.Kind.INTEGER) {
          d = ProtoParser.integerValue(t).doubleValue();
        } else if (t.kind() == Token.Kind.FLOAT) {
          d = Double.parseDouble(t.text());
        } else if (t.kind() == Token.Kind.IDENTIFIER
            && (t.text().equalsIgnoreCase("inf") || t.text().equalsIgnoreCase("infinity"))) {
          d = Double.POSITIVE_INFINITY;
        } else if (t.kind() == Token.Kind.IDENTIFIER && t.text().equalsIgnoreCase("nan")) {
          d = Double.NaN;
        } else {
          throw error(t.location(), prefix + "Expected double, got: " + t.text());
        }
        return negative ? -d : d;
      }
      case TYPE_ENUM -> {
        EnumDescriptorProtoOrBuilder e = enumType(field.getTypeName(), table);
        boolean negative = c.tryConsume("-");
        Token t = c.next();
        if (t.kind() == Token.Kind.INTEGER) {
          BigInteger v = ProtoParser.integerValue(t);
          return checkedInteger(
              FieldDescriptorProto.Type.TYPE_INT32,
              negative ? v.negate() : v,
              t.location(),
              prefix + "Integer out of range.");
        }
        if (e != null && !negative) {
          for (EnumValueDescriptorProtoOrBuilder v : e.getValueOrBuilderList()) {
            if (v.getName().equals(t.text())) {
              return (long) v.getNumber();
            }
          }
        }
        throw error(
            t.location(),
            prefix
                + "Unknown enumeration value of \""
                + t.text()
                + "\" for field \""
                + field.getName()
                + "\".");
      }
      default -> {
        boolean negative = c.tryConsume("-");
        Token t = c.next();
        if (t.kind() != Token.Kind.INTEGER) {
          throw error(t.location(), prefix + "Expected integer, got: " + t.text());
        }
        BigInteger v = ProtoParser.integerValue(t);
        return checkedInteger(
            type,
            negative ? v.negate() : v,
            t.location(),
            prefix + "Integer out of range (" + (negative ? "-" : "") + t.text() + ")");
      }
    }
  }

  private Token identifier(TextCursor c) {
    Token t = c.peek();
    if (t.kind() != Token.Kind.IDENTIFIER) {
      throw error(
          t.location(), "Error while parsing option value: Expected identifier, got: " + t.text());
    }
    return c.next();
  }

  private void expect(TextCursor c, String symbol) {
    Token t = c.peek();
    if (!t.is(symbol)) {
      throw error(
          t.location(),
          "Error while parsing option value: Expected \""
              + symbol
              + "\", found "
              + t.describe()
              + ".");
    }
    c.next();
  }

  // ---------------------------------------------------------------- wire format

  /** proto3 scalars outside oneofs are only serialised when they differ from zero, as in C++. */
  private static boolean hasImplicitPresence(
      MessageType type, FieldDescriptorProtoOrBuilder field) {
    return type.proto3()
        && field.getType() != FieldDescriptorProto.Type.TYPE_MESSAGE
        && field.getType() != FieldDescriptorProto.Type.TYPE_GROUP
        && !field.hasOneofIndex()
        && !field.hasExtendee();
  }

  private static boolean isZero(Object v) {
    if (v instanceof Long l) {
      return l == 0L;
    }
    if (v instanceof Double d) {
      return Double.doubleToRawLongBits(d) == 0L;
    }
    return v instanceof ByteString b && b.isEmpty();
  }

  private boolean isPacked(MessageType type, FieldDescriptorProtoOrBuilder field) {
    FieldDescriptorProto.Type t = field.getType();
    if (t == FieldDescriptorProto.Type.TYPE_STRING
        || t == FieldDescriptorProto.Type.TYPE_BYTES
        || t == FieldDescriptorProto.Type.TYPE_MESSAGE
        || t == FieldDescriptorProto.Type.TYPE_GROUP) {
      return false;
    }
    Boolean explicit = explicitPacked.get(field);
    if (explicit != null) {
      return explicit;
    }
    if (field.hasOptions()) {
      FieldOptions options = field.getOptions();
      if (options.hasPacked()) {
        return options.getPacked();
      }
    }
    return type.proto3() && !field.hasExtendee();
  }

  private static ByteString writeSingle(FieldDescriptorProtoOrBuilder field, Object value) {
    try {
      ByteString.Output out = ByteString.newOutput();
      CodedOutputStream o = CodedOutputStream.newInstance(out, SMALL_BUFFER);
      FieldDescriptorProto.Type type = field.getType();
      o.writeTag(field.getNumber(), wireType(type));
      writeNoTag(o, type, value);
      o.flush();
      return out.toByteString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int wireType(FieldDescriptorProto.Type type) {
    return switch (type) {
      case TYPE_FIXED32, TYPE_SFIXED32, TYPE_FLOAT -> WireFormat.WIRETYPE_FIXED32;
      case TYPE_FIXED64, TYPE_SFIXED64, TYPE_DOUBLE -> WireFormat.WIRETYPE_FIXED64;
      case TYPE_STRING, TYPE_BYTES, TYPE_MESSAGE -> WireFormat.WIRETYPE_LENGTH_DELIMITED;
      default -> WireFormat.WIRETYPE_VARINT;
    };
  }

  private static void writeNoTag(CodedOutputStream o, FieldDescriptorProto.Type type, Object value)
      throws IOException {
    switch (type) {
      case TYPE_INT32, TYPE_ENUM -> o.writeInt32NoTag((int) (long) (Long) value);
      case TYPE_INT64, TYPE_UINT64 -> o.writeUInt64NoTag((Long) value);
      case TYPE_UINT32 -> o.writeUInt32NoTag((int) (long) (Long) value);
      case TYPE_SINT32 -> o.writeSInt32NoTag((int) (long) (Long) value);
      case TYPE_SINT64 -> o.writeSInt64NoTag((Long) value);
      case TYPE_FIXED32, TYPE_SFIXED32 -> o.writeFixed32NoTag((int) (long) (Long) value);
      case TYPE_FIXED64, TYPE_SFIXED64 -> o.writeFixed64NoTag((Long) value);
      case TYPE_BOOL -> o.writeBoolNoTag((Long) value != 0);
      case TYPE_FLOAT -> o.writeFloatNoTag((float) (double) (Double) value);
      case TYPE_DOUBLE -> o.writeDoubleNoTag((Double) value);
      default -> o.writeBytesNoTag((ByteString) value);
    }
  }

  private static ByteString lengthDelimited(int number, ByteString body) {
    try {
      ByteString.Output out = ByteString.newOutput();
      CodedOutputStream o = CodedOutputStream.newInstance(out, SMALL_BUFFER);
      o.writeBytes(number, body);
      o.flush();
      return out.toByteString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private OptionError error(SourceLocation at, String message) {
    problems.add(at, message);
    return new OptionError();
  }
}
