package dev.switchboard.contract.internal.parser;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.DescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import dev.switchboard.contract.internal.parser.ParsedFile.EnumNode;
import dev.switchboard.contract.internal.parser.ParsedFile.FieldNode;
import dev.switchboard.contract.internal.parser.ParsedFile.MessageNode;
import dev.switchboard.contract.internal.parser.ParsedFile.MethodNode;
import dev.switchboard.contract.internal.parser.ParsedFile.OptionValue;
import dev.switchboard.contract.internal.parser.ParsedFile.Range;
import dev.switchboard.contract.internal.parser.SymbolTable.Kind;
import dev.switchboard.contract.internal.parser.SymbolTable.Symbol;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Turns parsed files into the descriptors protoc emits: registers names, resolves type references
 * with protobuf's scoping rules (innermost scope first, only through imported files), checks what
 * protoc's DescriptorBuilder checks, interprets options and fills in defaults and JSON names.
 */
final class Linker {
  private static final int FIRST_RESERVED = 19_000;
  private static final int LAST_RESERVED = 19_999;

  private final SymbolTable table = new SymbolTable();
  private final Problems problems;
  private final Map<String, FileDescriptorProto> linked = new HashMap<>();
  private @Nullable SymbolTable builtin;

  // State of the file being linked.
  private ParsedFile file = new ParsedFile("");
  private Set<String> visible = Set.of();
  private @Nullable String notImportedFile;
  private @Nullable String unresolvedFullName;

  Linker(Problems problems) {
    this.problems = problems;
  }

  SymbolTable table() {
    return table;
  }

  SymbolTable builtinDescriptorProto() {
    if (builtin == null) {
      builtin = SymbolTable.builtinDescriptorProto();
    }
    return builtin;
  }

  ParsedFile currentFile() {
    return file;
  }

  /** Links one file whose imports are all linked already; returns null when it has errors. */
  @Nullable FileDescriptorProto link(ParsedFile parsed) {
    int before = problems.count();
    this.file = parsed;
    this.visible = visibleFiles(parsed);
    register();
    checkMessages();
    checkEnums();
    resolveFields();
    resolveMethods();
    new OptionInterpreter(this, problems).interpret(parsed);
    checkEnumAliases();
    checkPacked();
    checkExtensions();
    fillDefaults();
    fillJsonNames();
    if (problems.count() > before) {
      return null;
    }
    parsed.attachSourceInfo();
    FileDescriptorProto result = parsed.proto.build();
    linked.put(parsed.name, result);
    return result;
  }

  private Set<String> visibleFiles(ParsedFile parsed) {
    Set<String> out = new LinkedHashSet<>();
    out.add(parsed.name);
    for (ParsedFile.Import imp : parsed.imports) {
      addWithPublic(imp.name(), out);
    }
    return out;
  }

  private void addWithPublic(String name, Set<String> out) {
    if (!out.add(name)) {
      return;
    }
    FileDescriptorProto dep = linked.get(name);
    if (dep != null) {
      for (int index : dep.getPublicDependencyList()) {
        addWithPublic(dep.getDependency(index), out);
      }
    }
  }

  // ---------------------------------------------------------------- names

  private void register() {
    SymbolTable.DuplicateListener onDuplicate =
        (existing, added) -> {
          SourceLocation where = locationOf(added);
          String scope =
              added.fullName().contains(".")
                  ? added.fullName().substring(0, added.fullName().lastIndexOf('.'))
                  : "";
          String simple = added.fullName().substring(added.fullName().lastIndexOf('.') + 1);
          if (!existing.file().equals(added.file())) {
            problems.add(
                where,
                "\""
                    + added.fullName()
                    + "\" is already defined in file \""
                    + existing.file()
                    + "\".");
          } else if (added.kind() == Kind.ENUM_VALUE) {
            // An enum value's parent is always its enum.
            String enumName =
                ((EnumDescriptorProtoOrBuilder) Objects.requireNonNull(added.parent())).getName();
            problems.add(
                where,
                "\""
                    + simple
                    + "\" is already defined in \""
                    + scope
                    + "\". Note that enum values use C++"
                    + " scoping rules, meaning that enum values are siblings of their type, not children of it.  Therefore, \""
                    + simple
                    + "\" must be unique within \""
                    + scope
                    + "\", not just within \""
                    + enumName
                    + "\".");
          } else if (existing.kind() == Kind.PACKAGE || added.kind() == Kind.PACKAGE) {
            problems.add(
                where,
                "\""
                    + added.fullName()
                    + "\" is already defined (as something other than a package).");
          } else {
            problems.add(where, "\"" + simple + "\" is already defined in \"" + scope + "\".");
          }
        };
    table.addFile(file.proto, onDuplicate);
  }

  private SourceLocation locationOf(Symbol symbol) {
    Object node = symbol.node();
    for (MessageNode m : file.messages) {
      if (m.proto == node) {
        return m.location;
      }
    }
    for (FieldNode f : file.fields) {
      if (f.proto == node) {
        return f.nameLocation;
      }
    }
    for (EnumNode e : file.enums) {
      if (e.proto == node) {
        return e.location;
      }
      for (int i = 0; i < e.proto.getValueCount(); i++) {
        if (e.proto.getValueOrBuilder(i) == node) {
          return e.valueLocations.get(i);
        }
      }
    }
    for (MethodNode m : file.methods) {
      if (m.proto() == node) {
        return m.location();
      }
    }
    for (ParsedFile.ServiceNode s : file.services) {
      if (s.fullName().equals(symbol.fullName())) {
        return s.location();
      }
    }
    return file.packageLocation;
  }

  /** Looks a full name up, honouring imports; remembers a match in a file that is not imported. */
  @Nullable Symbol findVisible(String fullName) {
    Symbol s = table.get(fullName);
    if (s == null) {
      return null;
    }
    if (s.kind() == Kind.PACKAGE) {
      for (String f : table.filesOfPackage(fullName)) {
        if (visible.contains(f)) {
          return s;
        }
      }
      notImportedFile = s.file();
      return null;
    }
    if (visible.contains(s.file())) {
      return s;
    }
    notImportedFile = s.file();
    return null;
  }

  /**
   * protoc's LookupSymbolNoPlaceholder: innermost scope first, by the first component of the name.
   */
  @Nullable Symbol resolve(String name, String relativeTo, boolean typesOnly) {
    notImportedFile = null;
    unresolvedFullName = null;
    if (name.startsWith(".")) {
      return findVisible(name.substring(1));
    }
    int firstDot = name.indexOf('.');
    String first = firstDot < 0 ? name : name.substring(0, firstDot);
    String scope = relativeTo;
    while (true) {
      int dot = scope.lastIndexOf('.');
      if (dot < 0) {
        return findVisible(name);
      }
      scope = scope.substring(0, dot);
      Symbol found = findVisible(scope + "." + first);
      if (found != null) {
        if (firstDot >= 0) {
          if (found.kind().isAggregate()) {
            String full = scope + "." + name;
            Symbol result = findVisible(full);
            if (result == null) {
              unresolvedFullName = full;
            }
            return result;
          }
        } else if (!typesOnly || found.kind().isType()) {
          return found;
        }
      }
    }
  }

  /** Explains why the last {@link #resolve} failed, naming the nearest defined names. */
  String unresolvedMessage(String name, Predicate<Symbol> wanted) {
    if (unresolvedFullName != null) {
      return "\""
          + name
          + "\" is resolved to \""
          + unresolvedFullName
          + "\", which is not defined. The innermost"
          + " scope is searched first in name resolution. Consider using a leading '.'(i.e., \"."
          + name
          + "\") to start from the outermost scope.";
    }
    if (notImportedFile != null) {
      return "\""
          + name
          + "\" seems to be defined in \""
          + notImportedFile
          + "\", which is not imported by \""
          + file.name
          + "\".  To use it here, please add the necessary import.";
    }
    List<String> candidates = new ArrayList<>();
    for (Symbol s : table.all()) {
      if (wanted.test(s) && visible.contains(s.file())) {
        candidates.add(s.fullName());
      }
    }
    List<String> nearest = NameSuggestions.nearest(name, candidates, 3);
    String message = "\"" + name + "\" is not defined.";
    if (!nearest.isEmpty()) {
      message +=
          " Did you mean "
              + String.join(", ", nearest.stream().map(n -> "\"" + n + "\"").toList())
              + "?";
    }
    return message;
  }

  // ---------------------------------------------------------------- messages

  private void checkMessages() {
    for (MessageNode message : file.messages) {
      DescriptorProto.Builder proto = message.proto;
      if (file.proto3 && proto.getExtensionRangeCount() > 0) {
        problems.add(message.location, "Extension ranges are not allowed in proto3.");
      }
      for (Range r : message.extensionRanges) {
        if (r.start() <= 0) {
          problems.add(r.location(), "Extension numbers must be positive integers.");
        } else if (r.end() > ProtoParser.MAX_FIELD_NUMBER + 1) {
          problems.add(
              r.location(),
              "Extension numbers cannot be greater than " + ProtoParser.MAX_FIELD_NUMBER + ".");
        } else if (r.start() >= r.end()) {
          problems.add(
              r.location(), "Extension range end number must be greater than start number.");
        }
      }
      for (Range r : message.reservedRanges) {
        if (r.start() >= r.end()) {
          problems.add(
              r.location(), "Reserved range end number must be greater than start number.");
        }
      }
      for (int i = 0; i < message.reservedRanges.size(); i++) {
        for (int j = 0; j < i; j++) {
          Range a = message.reservedRanges.get(i);
          Range b = message.reservedRanges.get(j);
          if (a.start() < b.end() && b.start() < a.end()) {
            problems.add(
                a.location(),
                "Reserved range "
                    + a.start()
                    + " to "
                    + (a.end() - 1)
                    + " overlaps with already-defined range "
                    + b.start()
                    + " to "
                    + (b.end() - 1)
                    + ".");
          }
        }
      }
      Map<Integer, String> numbers = new HashMap<>();
      Map<String, String> jsonNames = new HashMap<>();
      for (FieldNode field : fieldsOf(message)) {
        FieldDescriptorProto.Builder f = field.proto;
        int number = f.getNumber();
        checkNumber(field);
        String previous = numbers.putIfAbsent(number, f.getName());
        if (previous != null) {
          problems.add(
              field.numberLocation,
              "Field number "
                  + number
                  + " has already been used in \""
                  + message.fullName
                  + "\" by field \""
                  + previous
                  + "\".");
        }
        for (Range r : message.reservedRanges) {
          if (number >= r.start() && number < r.end()) {
            problems.add(
                field.numberLocation,
                "Field \"" + f.getName() + "\" uses reserved number " + number + ".");
          }
        }
        for (Range r : message.extensionRanges) {
          if (number >= r.start() && number < r.end()) {
            problems.add(
                r.location(),
                "Extension range "
                    + r.start()
                    + " to "
                    + (r.end() - 1)
                    + " includes field \""
                    + f.getName()
                    + "\" ("
                    + number
                    + ").");
          }
        }
        if (proto.getReservedNameList().contains(f.getName())) {
          problems.add(field.nameLocation, "Field name \"" + f.getName() + "\" is reserved.");
        }
        if (file.proto3) {
          String key = lowercaseWithoutUnderscores(f.getName());
          String clash = jsonNames.putIfAbsent(key, f.getName());
          if (clash != null && !clash.equals(f.getName())) {
            problems.add(
                field.nameLocation,
                "The JSON camel-case name of field \""
                    + f.getName()
                    + "\" conflicts with field \""
                    + clash
                    + "\". This is not allowed in proto3.");
          }
        }
      }
    }
  }

  private void checkNumber(FieldNode field) {
    int number = field.proto.getNumber();
    if (number <= 0) {
      problems.add(field.numberLocation, "Field numbers must be positive integers.");
    } else if (number > ProtoParser.MAX_FIELD_NUMBER) {
      problems.add(
          field.numberLocation,
          "Field numbers cannot be greater than " + ProtoParser.MAX_FIELD_NUMBER + ".");
    } else if (number >= FIRST_RESERVED && number <= LAST_RESERVED) {
      problems.add(
          field.numberLocation,
          "Field numbers "
              + FIRST_RESERVED
              + " through "
              + LAST_RESERVED
              + " are reserved for the protocol buffer library implementation.");
    }
  }

  private List<FieldNode> fieldsOf(MessageNode message) {
    List<FieldNode> out = new ArrayList<>();
    for (FieldNode f : file.fields) {
      if (f.owner == message) {
        out.add(f);
      }
    }
    return out;
  }

  private static String lowercaseWithoutUnderscores(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '_') {
        out.append(c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c);
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- enums

  private void checkEnums() {
    for (EnumNode e : file.enums) {
      EnumDescriptorProto.Builder proto = e.proto;
      if (proto.getValueCount() == 0) {
        problems.add(e.location, "Enums must contain at least one value.");
        continue;
      }
      if (file.proto3 && proto.getValue(0).getNumber() != 0) {
        problems.add(e.valueLocations.get(0), "The first enum value must be zero in proto3.");
      }
      for (int i = 0; i < proto.getValueCount(); i++) {
        EnumValueDescriptorProtoOrBuilder value = proto.getValueOrBuilder(i);
        for (Range r : e.reservedRanges) {
          if (value.getNumber() >= r.start() && value.getNumber() <= r.end()) {
            problems.add(
                e.valueLocations.get(i),
                "Enum value \""
                    + value.getName()
                    + "\" uses reserved number "
                    + value.getNumber()
                    + ".");
          }
        }
        if (proto.getReservedNameList().contains(value.getName())) {
          problems.add(
              e.valueLocations.get(i), "Enum value \"" + value.getName() + "\" is reserved.");
        }
      }
      for (Range r : e.reservedRanges) {
        if (r.start() > r.end()) {
          problems.add(
              r.location(), "Reserved range end number must be greater than start number.");
        }
      }
    }
  }

  private void checkEnumAliases() {
    for (EnumNode e : file.enums) {
      EnumDescriptorProto.Builder proto = e.proto;
      boolean allowAlias = proto.hasOptions() && proto.getOptions().getAllowAlias();
      Map<Integer, String> seen = new HashMap<>();
      boolean anyAlias = false;
      String scope =
          e.fullName.contains(".") ? e.fullName.substring(0, e.fullName.lastIndexOf('.') + 1) : "";
      for (int i = 0; i < proto.getValueCount(); i++) {
        EnumValueDescriptorProtoOrBuilder value = proto.getValueOrBuilder(i);
        String previous = seen.putIfAbsent(value.getNumber(), value.getName());
        if (previous != null) {
          anyAlias = true;
          if (!allowAlias) {
            problems.add(
                e.valueLocations.get(i),
                "\""
                    + scope
                    + value.getName()
                    + "\" uses the same enum value as \""
                    + scope
                    + previous
                    + "\". If this is intended, set 'option allow_alias = true;' to the enum definition.");
          }
        }
      }
      if (allowAlias && !anyAlias && proto.getValueCount() > 0) {
        problems.add(
            e.location,
            "\""
                + e.fullName
                + "\" declares support for enum aliases but no enum values share"
                + " field numbers. Please remove the unnecessary 'option allow_alias = true;' declaration.");
      }
    }
  }

  // ---------------------------------------------------------------- types

  private void resolveFields() {
    for (FieldNode field : file.fields) {
      FieldDescriptorProto.Builder f = field.proto;
      if (field.isExtension) {
        String extendee = f.getExtendee();
        Symbol target = resolve(extendee, field.fullName(), false);
        SourceLocation at =
            field.extendeeLocation == null ? field.nameLocation : field.extendeeLocation;
        if (target == null) {
          problems.add(at, unresolvedMessage(extendee, s -> s.kind() == Kind.MESSAGE));
        } else if (target.kind() != Kind.MESSAGE) {
          problems.add(at, "\"" + extendee + "\" is not a message type.");
        } else {
          f.setExtendee("." + target.fullName());
          boolean definesOption =
              target.fullName().startsWith("google.protobuf.")
                  && target.fullName().endsWith("Options");
          if (file.proto3 && !definesOption) {
            problems.add(at, "Extensions in proto3 are only allowed for defining options.");
          }
        }
      }
      if (!f.hasTypeName()) {
        continue;
      }
      String typeName = f.getTypeName();
      Symbol type = resolve(typeName, field.fullName(), true);
      if (type == null) {
        problems.add(field.typeLocation, unresolvedMessage(typeName, s -> s.kind().isType()));
        continue;
      }
      if (type.kind() == Kind.MESSAGE) {
        f.setType(FieldDescriptorProto.Type.TYPE_MESSAGE);
      } else if (type.kind() == Kind.ENUM) {
        f.setType(FieldDescriptorProto.Type.TYPE_ENUM);
        if (file.proto3 && !type.proto3() && !field.isExtension) {
          String messageName = field.scope;
          problems.add(
              field.typeLocation,
              "Enum type \""
                  + type.fullName()
                  + "\" is not a proto3 enum, but is used in \""
                  + messageName
                  + "\" which is a proto3 message type.");
        }
      } else {
        problems.add(field.typeLocation, "\"" + typeName + "\" is not a type.");
        continue;
      }
      f.setTypeName("." + type.fullName());
    }
    for (FieldNode field : file.fields) {
      if (field.inMapEntry && field.proto.getNumber() == 1) {
        FieldDescriptorProto.Type t = field.proto.getType();
        if (t == FieldDescriptorProto.Type.TYPE_FLOAT
            || t == FieldDescriptorProto.Type.TYPE_DOUBLE
            || t == FieldDescriptorProto.Type.TYPE_BYTES
            || t == FieldDescriptorProto.Type.TYPE_MESSAGE) {
          problems.add(
              field.typeLocation,
              "Key in map fields cannot be float/double, bytes or message types.");
        } else if (t == FieldDescriptorProto.Type.TYPE_ENUM) {
          problems.add(field.typeLocation, "Key in map fields cannot be enum types.");
        }
      }
    }
  }

  private void resolveMethods() {
    for (MethodNode method : file.methods) {
      String input = method.proto().getInputType();
      Symbol in = resolve(input, method.fullName(), false);
      if (in == null) {
        problems.add(
            method.inputLocation(), unresolvedMessage(input, s -> s.kind() == Kind.MESSAGE));
      } else if (in.kind() != Kind.MESSAGE) {
        problems.add(method.inputLocation(), "\"" + input + "\" is not a message type.");
      } else {
        method.proto().setInputType("." + in.fullName());
      }
      String output = method.proto().getOutputType();
      Symbol out = resolve(output, method.fullName(), false);
      if (out == null) {
        problems.add(
            method.outputLocation(), unresolvedMessage(output, s -> s.kind() == Kind.MESSAGE));
      } else if (out.kind() != Kind.MESSAGE) {
        problems.add(method.outputLocation(), "\"" + output + "\" is not a message type.");
      } else {
        method.proto().setOutputType("." + out.fullName());
      }
    }
  }

  private void checkPacked() {
    for (FieldNode field : file.fields) {
      FieldDescriptorProto.Builder f = field.proto;
      if (Boolean.TRUE.equals(field.explicitPacked)
          && (f.getLabel() != FieldDescriptorProto.Label.LABEL_REPEATED
              || f.getType() == FieldDescriptorProto.Type.TYPE_STRING
              || f.getType() == FieldDescriptorProto.Type.TYPE_BYTES
              || f.getType() == FieldDescriptorProto.Type.TYPE_MESSAGE
              || f.getType() == FieldDescriptorProto.Type.TYPE_GROUP)) {
        problems.add(
            field.typeLocation,
            "[packed = true] can only be specified for repeated primitive fields.");
      }
    }
  }

  private void checkExtensions() {
    for (FieldNode field : file.fields) {
      if (!field.isExtension || !field.proto.getExtendee().startsWith(".")) {
        continue;
      }
      FieldDescriptorProto.Builder f = field.proto;
      checkNumber(field);
      String extendee = f.getExtendee().substring(1);
      Symbol target = table.get(extendee);
      if (target == null || target.kind() != Kind.MESSAGE) {
        continue;
      }
      DescriptorProtoOrBuilder message = (DescriptorProtoOrBuilder) target.node();
      boolean inRange = false;
      for (DescriptorProto.ExtensionRangeOrBuilder r : message.getExtensionRangeOrBuilderList()) {
        if (f.getNumber() >= r.getStart() && f.getNumber() < r.getEnd()) {
          inRange = true;
        }
      }
      if (!inRange) {
        problems.add(
            field.numberLocation,
            "\"" + extendee + "\" does not declare " + f.getNumber() + " as an extension number.");
      }
      for (Symbol other : table.extensionsOf(extendee)) {
        FieldDescriptorProtoOrBuilder o = (FieldDescriptorProtoOrBuilder) other.node();
        if (o != f && o.getNumber() == f.getNumber() && isEarlier(other, field)) {
          problems.add(
              field.numberLocation,
              "Extension number "
                  + f.getNumber()
                  + " has already been used in \""
                  + extendee
                  + "\" by extension \""
                  + other.fullName()
                  + "\".");
          break;
        }
      }
      if (f.getLabel() == FieldDescriptorProto.Label.LABEL_REQUIRED) {
        problems.add(
            field.typeLocation, "The extension " + field.fullName() + " cannot be required.");
      }
      if (field.jsonNameLocation != null) {
        problems.add(
            field.jsonNameLocation, "option json_name is not allowed on extension fields.");
      }
    }
  }

  /** True when {@code other} was defined before {@code field} (another file, or earlier here). */
  private boolean isEarlier(Symbol other, FieldNode field) {
    if (!other.file().equals(file.name)) {
      return true;
    }
    for (FieldNode f : file.fields) {
      if (f.proto == other.node()) {
        return true;
      }
      if (f == field) {
        return false;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- defaults and JSON names

  private void fillDefaults() {
    for (FieldNode field : file.fields) {
      OptionValue value = field.defaultValue;
      if (value == null) {
        continue;
      }
      FieldDescriptorProto.Builder f = field.proto;
      if (!f.hasType()) {
        continue; // its type did not resolve; that is already reported
      }
      if (file.proto3) {
        problems.add(value.location(), "Explicit default values are not allowed in proto3.");
        continue;
      }
      if (f.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
        problems.add(value.location(), "Repeated fields can't have default values.");
        continue;
      }
      String text = defaultText(f, value);
      if (text != null) {
        f.setDefaultValue(text);
      }
    }
  }

  private @Nullable String defaultText(FieldDescriptorProto.Builder f, OptionValue value) {
    SourceLocation at = value.location();
    switch (f.getType()) {
      case TYPE_INT32, TYPE_SINT32, TYPE_SFIXED32 -> {
        return integerDefault(
            value, BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE));
      }
      case TYPE_INT64, TYPE_SINT64, TYPE_SFIXED64 -> {
        return integerDefault(
            value, BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE));
      }
      case TYPE_UINT32, TYPE_FIXED32 -> {
        return integerDefault(value, BigInteger.ZERO, BigInteger.valueOf(0xFFFF_FFFFL));
      }
      case TYPE_UINT64, TYPE_FIXED64 -> {
        return integerDefault(
            value, BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
      }
      case TYPE_FLOAT, TYPE_DOUBLE -> {
        double d;
        if (value.kind() == OptionValue.Kind.INTEGER) {
          d = Objects.requireNonNull(value.integer(), "an INTEGER value's integer").doubleValue();
        } else if (value.kind() == OptionValue.Kind.FLOAT) {
          d = value.number();
        } else if (value.kind() == OptionValue.Kind.IDENTIFIER && value.text().equals("inf")) {
          d = Double.POSITIVE_INFINITY;
        } else if (value.kind() == OptionValue.Kind.IDENTIFIER && value.text().equals("nan")) {
          d = Double.NaN;
        } else {
          problems.add(at, "Expected number.");
          return null;
        }
        return f.getType() == FieldDescriptorProto.Type.TYPE_FLOAT
            ? CFloatFormat.formatFloat((float) d)
            : CFloatFormat.formatDouble(d);
      }
      case TYPE_BOOL -> {
        if (value.kind() == OptionValue.Kind.IDENTIFIER
            && (value.text().equals("true") || value.text().equals("false"))) {
          return value.text();
        }
        problems.add(at, "Expected \"true\" or \"false\".");
        return null;
      }
      case TYPE_STRING, TYPE_BYTES -> {
        if (value.kind() != OptionValue.Kind.STRING || value.string() == null) {
          problems.add(at, "Expected string.");
          return null;
        }
        return f.getType() == FieldDescriptorProto.Type.TYPE_STRING
            ? value.string().toStringUtf8()
            : cEscape(value.string());
      }
      case TYPE_ENUM -> {
        if (value.kind() != OptionValue.Kind.IDENTIFIER) {
          problems.add(at, "Default value for an enum field must be an identifier.");
          return null;
        }
        Symbol e = table.get(f.getTypeName().substring(1));
        if (e != null && e.kind() == Kind.ENUM) {
          for (EnumValueDescriptorProtoOrBuilder v :
              ((EnumDescriptorProtoOrBuilder) e.node()).getValueOrBuilderList()) {
            if (v.getName().equals(value.text())) {
              return value.text();
            }
          }
          problems.add(
              at,
              "Enum type \"" + e.fullName() + "\" has no value named \"" + value.text() + "\".");
        }
        return null;
      }
      default -> {
        problems.add(at, "Messages can't have default values.");
        return null;
      }
    }
  }

  private @Nullable String integerDefault(OptionValue value, BigInteger min, BigInteger max) {
    if (value.kind() != OptionValue.Kind.INTEGER || value.integer() == null) {
      problems.add(value.location(), "Expected integer for field default value.");
      return null;
    }
    if (value.integer().compareTo(min) < 0 || value.integer().compareTo(max) > 0) {
      problems.add(value.location(), "Integer out of range.");
      return null;
    }
    return value.integer().toString();
  }

  /**
   * protoc's CEscape: C escapes for quotes, backslash and whitespace, three-digit octal for other
   * non-printables.
   */
  static String cEscape(ByteString bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes.size(); i++) {
      int c = bytes.byteAt(i) & 0xff;
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"' -> out.append("\\\"");
        case '\'' -> out.append("\\'");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            out.append('\\')
                .append((char) ('0' + (c >> 6)))
                .append((char) ('0' + ((c >> 3) & 7)))
                .append((char) ('0' + (c & 7)));
          } else {
            out.append((char) c);
          }
        }
      }
    }
    return out.toString();
  }

  private void fillJsonNames() {
    for (FieldNode field : file.fields) {
      if (!field.proto.hasJsonName()) {
        field.proto.setJsonName(toJsonName(field.proto.getName()));
      }
    }
  }

  /** protoc's ToJsonName: drop underscores, upper-case the letter after each. */
  static String toJsonName(String name) {
    StringBuilder out = new StringBuilder(name.length());
    boolean capitalizeNext = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        capitalizeNext = true;
      } else if (capitalizeNext) {
        out.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
        capitalizeNext = false;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
