package dev.switchboard.contract.internal.parser;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumOptions;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueOptions;
import com.google.protobuf.DescriptorProtos.ExtensionRangeOptions;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofOptions;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceOptions;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import dev.switchboard.contract.internal.parser.ParsedFile.EnumNode;
import dev.switchboard.contract.internal.parser.ParsedFile.FieldNode;
import dev.switchboard.contract.internal.parser.ParsedFile.MessageNode;
import dev.switchboard.contract.internal.parser.ParsedFile.NamePart;
import dev.switchboard.contract.internal.parser.ParsedFile.OptionSite;
import dev.switchboard.contract.internal.parser.ParsedFile.OptionValue;
import dev.switchboard.contract.internal.parser.ParsedFile.ParsedOption;
import dev.switchboard.contract.internal.parser.ParsedFile.Range;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Recursive-descent parser for proto2/proto3 source. Like protoc's parser.cc it only checks syntax
 * and builds the descriptor shape (map entry types, synthetic oneofs for proto3 {@code optional});
 * names and types are left to the {@link Linker}. On a syntax error it records the problem, skips
 * the statement and carries on, so one run reports every error.
 */
final class ProtoParser {
  static final int MAX_FIELD_NUMBER = 536_870_911;

  /** Bounds recursion so hostile input gets an error instead of a StackOverflowError. */
  static final int MAX_NESTING = 100;

  private static final Map<String, FieldDescriptorProto.Type> SCALARS =
      Map.ofEntries(
          Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE),
          Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
          Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
          Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
          Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32),
          Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
          Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32),
          Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL),
          Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
          Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES),
          Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32),
          Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32),
          Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
          Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32),
          Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64));

  /** Thrown to abandon the current statement after its error was recorded. */
  private static final class SyntaxError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SyntaxError() {
      super(null, null, false, false);
    }
  }

  private final String text;
  private final List<Token> tokens;
  private final Problems problems;
  private final ParsedFile file;
  private final boolean keepSourceInfo;
  private int index;
  private int messageDepth;

  /**
   * protoc's parser state for comments: the comment block above the next declaration, and the
   * detached blocks before it. Only ends of declarations (a semicolon, an opening or a closing
   * brace) move them on, as in protoc; comments elsewhere are dropped.
   */
  private String upcomingDoc = "";

  private List<String> upcomingDetached = List.of();

  private ProtoParser(
      String name, String text, List<Token> tokens, Problems problems, boolean keepSourceInfo) {
    this.text = text;
    this.tokens = tokens;
    this.problems = problems;
    this.file = new ParsedFile(name);
    this.keepSourceInfo = keepSourceInfo;
  }

  /**
   * Parses one file; with {@code keepSourceInfo}, it also records declarations' spans and comments.
   */
  static ParsedFile parse(String name, String source, Problems problems, boolean keepSourceInfo) {
    // A UTF-8 byte order mark is not part of the source.
    String text = source.startsWith("\uFEFF") ? source.substring(1) : source;
    List<Token> tokens = Tokenizer.tokenize(name, text, problems);
    ProtoParser parser = new ProtoParser(name, text, tokens, problems, keepSourceInfo);
    parser.parseFile();
    return parser.file;
  }

  // ---------------------------------------------------------------- file level

  private void parseFile() {
    List<ParsedOption> fileOptions = new ArrayList<>();
    file.optionSites.add(
        new OptionSite(
            "google.protobuf.FileOptions",
            file.packageName().isEmpty() ? "dummy" : file.packageName() + ".dummy",
            fileOptions,
            bytes -> file.proto.setOptions(FileOptions.parseFrom(bytes)),
            false));
    if (keepSourceInfo) {
      Comments first = Comments.beforeFirst(text, peek());
      upcomingDoc = first.leading();
      upcomingDetached = first.detached();
    }
    if (peek().is("syntax") || peek().is("edition")) {
      statement(this::parseSyntax);
    } else {
      file.proto3 = false;
    }
    boolean sawPackage = false;
    while (peek().kind() != Token.Kind.END) {
      Token t = peek();
      if (t.is(";")) {
        endOfDeclaration(";", null);
      } else if (t.is("import")) {
        statement(this::parseImport);
      } else if (t.is("package")) {
        if (sawPackage) {
          problems.add(t.location(), "Multiple package definitions.");
        }
        sawPackage = true;
        statement(this::parsePackage);
      } else if (t.is("option")) {
        statement(
            () -> parseOptionStatement(fileOptions, FileDescriptorProto.OPTIONS_FIELD_NUMBER));
      } else if (t.is("message")) {
        statement(
            () -> {
              DescriptorProto.Builder message = file.proto.addMessageTypeBuilder();
              parseMessage(
                  "",
                  message,
                  path(
                      FileDescriptorProto.MESSAGE_TYPE_FIELD_NUMBER,
                      file.proto.getMessageTypeCount() - 1));
            });
      } else if (t.is("enum")) {
        statement(
            () -> {
              EnumDescriptorProto.Builder enumType = file.proto.addEnumTypeBuilder();
              parseEnum(
                  file.packageName(),
                  enumType,
                  path(
                      FileDescriptorProto.ENUM_TYPE_FIELD_NUMBER,
                      file.proto.getEnumTypeCount() - 1));
            });
      } else if (t.is("service")) {
        statement(this::parseService);
      } else if (t.is("extend")) {
        statement(
            () ->
                parseExtend(
                    file.packageName(),
                    null,
                    new FieldAdder(
                        path(FileDescriptorProto.EXTENSION_FIELD_NUMBER),
                        file.proto::addExtensionBuilder,
                        file.proto::getExtensionCount)));
      } else if (t.is("syntax") || t.is("edition")) {
        problems.add(t.location(), "The syntax statement must come first in the file.");
        statement(this::parseSyntax);
      } else {
        problems.add(t.location(), "Expected top-level statement (e.g. \"message\").");
        next();
        skipStatement();
      }
    }
    if (file.proto3) {
      file.proto.setSyntax("proto3");
    }
  }

  private void statement(Runnable body) {
    int start = index;
    try {
      body.run();
    } catch (SyntaxError e) {
      if (index == start) {
        next();
      }
      skipStatement();
    }
  }

  private void parseSyntax() {
    Location.@Nullable Builder location =
        startLocation(path(FileDescriptorProto.SYNTAX_FIELD_NUMBER));
    Token keyword = next();
    expect("=");
    Token value = peek();
    if (value.kind() != Token.Kind.STRING) {
      throw error(value, "Expected syntax identifier.");
    }
    next();
    String syntax = value.bytes() == null ? "" : value.bytes().toStringUtf8();
    if (keyword.is("edition")) {
      problems.add(
          keyword.location(),
          "Editions (edition = \""
              + syntax
              + "\") are not supported; use syntax = \"proto2\" or \"proto3\".");
    } else if (syntax.equals("proto3")) {
      file.proto3 = true;
    } else if (!syntax.equals("proto2")) {
      problems.add(
          value.location(),
          "Unrecognized syntax identifier \""
              + syntax
              + "\".  This parser only recognizes \"proto2\" and \"proto3\".");
    }
    expectEnd(location);
  }

  private void parseImport() {
    Location.@Nullable Builder location =
        startLocation(
            path(FileDescriptorProto.DEPENDENCY_FIELD_NUMBER, file.proto.getDependencyCount()));
    Token keyword = next();
    boolean isPublic = false;
    boolean isWeak = false;
    if (peek().is("public")) {
      next();
      isPublic = true;
    } else if (peek().is("weak")) {
      next();
      isWeak = true;
    }
    Token name = peek();
    if (name.kind() != Token.Kind.STRING) {
      throw error(name, "Expected a string naming the file to import.");
    }
    next();
    String imported = name.bytes() == null ? "" : name.bytes().toStringUtf8();
    expectEnd(location);
    for (ParsedFile.Import existing : file.imports) {
      if (existing.name().equals(imported)) {
        problems.add(keyword.location(), "Import \"" + imported + "\" was listed twice.");
        return;
      }
    }
    if (isPublic) {
      file.proto.addPublicDependency(file.proto.getDependencyCount());
    }
    if (isWeak) {
      file.proto.addWeakDependency(file.proto.getDependencyCount());
    }
    file.proto.addDependency(imported);
    file.imports.add(new ParsedFile.Import(imported, name.location(), isPublic, isWeak));
  }

  private void parsePackage() {
    Location.@Nullable Builder location =
        startLocation(path(FileDescriptorProto.PACKAGE_FIELD_NUMBER));
    next();
    Token start = peek();
    String name = dottedName(false);
    file.packageLocation = start.location();
    file.proto.setPackage(name);
    expectEnd(location);
    // File options resolve option names relative to the package.
    OptionSite site = file.optionSites.get(0);
    file.optionSites.set(
        0, new OptionSite(site.optionsType(), name + ".dummy", site.options(), site.sink(), false));
  }

  // ---------------------------------------------------------------- messages

  private void parseMessage(String scope, DescriptorProto.Builder message, int[] path) {
    Location.@Nullable Builder location = startLocation(path);
    Token keyword = next();
    if (messageDepth >= MAX_NESTING) {
      throw error(keyword, "Messages nest more than " + MAX_NESTING + " levels deep.");
    }
    messageDepth++;
    try {
      parseMessageAfterKeyword(scope, message, path, location);
    } finally {
      messageDepth--;
    }
  }

  private void parseMessageAfterKeyword(
      String scope,
      DescriptorProto.Builder message,
      int[] path,
      Location.@Nullable Builder location) {
    Token name = identifier("message name");
    message.setName(name.text());
    String fullName = join(scope.isEmpty() ? file.packageName() : scope, name.text());
    MessageNode node = new MessageNode(message, fullName, name.location());
    file.messages.add(node);
    List<ParsedOption> options = new ArrayList<>();
    file.optionSites.add(
        new OptionSite(
            "google.protobuf.MessageOptions",
            fullName,
            options,
            bytes -> message.setOptions(MessageOptions.parseFrom(bytes)),
            false));
    expectOpen(location);
    parseMessageBody(node, options, path);
    finish(location);
    generateSyntheticOneofs(message);
  }

  private void parseMessageBody(MessageNode node, List<ParsedOption> options, int[] path) {
    DescriptorProto.Builder message = node.proto;
    members(
        "message definition",
        null,
        t -> {
          if (t.is("message")) {
            statement(
                () -> {
                  DescriptorProto.Builder nested = message.addNestedTypeBuilder();
                  parseMessage(
                      node.fullName,
                      nested,
                      path(
                          path,
                          DescriptorProto.NESTED_TYPE_FIELD_NUMBER,
                          message.getNestedTypeCount() - 1));
                });
          } else if (t.is("enum")) {
            statement(
                () -> {
                  EnumDescriptorProto.Builder enumType = message.addEnumTypeBuilder();
                  parseEnum(
                      node.fullName,
                      enumType,
                      path(
                          path,
                          DescriptorProto.ENUM_TYPE_FIELD_NUMBER,
                          message.getEnumTypeCount() - 1));
                });
          } else if (t.is("extend")) {
            statement(
                () ->
                    parseExtend(
                        node.fullName,
                        node,
                        new FieldAdder(
                            path(path, DescriptorProto.EXTENSION_FIELD_NUMBER),
                            message::addExtensionBuilder,
                            message::getExtensionCount)));
          } else if (t.is("option")) {
            statement(
                () ->
                    parseOptionStatement(
                        options, path(path, DescriptorProto.OPTIONS_FIELD_NUMBER)));
          } else if (t.is("oneof")) {
            statement(() -> parseOneof(node, path));
          } else if (t.is("extensions")) {
            statement(() -> parseExtensions(node, path));
          } else if (t.is("reserved")) {
            statement(() -> parseReserved(node, path));
          } else {
            statement(() -> parseField(node, node.fullName, fieldsOf(message, path), -1));
          }
        });
  }

  private FieldAdder fieldsOf(DescriptorProto.Builder message, int[] path) {
    return new FieldAdder(
        path(path, DescriptorProto.FIELD_FIELD_NUMBER),
        message::addFieldBuilder,
        message::getFieldCount);
  }

  private void parseOneof(MessageNode node, int[] messagePath) {
    int oneofIndex = node.proto.getOneofDeclCount();
    int[] path = path(messagePath, DescriptorProto.ONEOF_DECL_FIELD_NUMBER, oneofIndex);
    Location.@Nullable Builder location = startLocation(path);
    next();
    Token name = identifier("oneof name");
    OneofDescriptorProto.Builder oneof = node.proto.addOneofDeclBuilder().setName(name.text());
    List<ParsedOption> options = new ArrayList<>();
    file.optionSites.add(
        new OptionSite(
            "google.protobuf.OneofOptions",
            node.fullName + "." + name.text(),
            options,
            bytes -> oneof.setOptions(OneofOptions.parseFrom(bytes)),
            false));
    expectOpen(location);
    members(
        "oneof definition",
        location,
        t -> {
          if (t.is("option")) {
            statement(
                () ->
                    parseOptionStatement(
                        options, path(path, OneofDescriptorProto.OPTIONS_FIELD_NUMBER)));
          } else {
            statement(
                () -> {
                  if (peek().is("required") || peek().is("optional") || peek().is("repeated")) {
                    throw error(
                        peek(),
                        "Fields in oneofs must not have labels (required / optional / repeated).");
                  }
                  parseField(node, node.fullName, fieldsOf(node.proto, messagePath), oneofIndex);
                });
          }
        });
  }

  /**
   * Where a field goes: the list's path in the file's descriptor, how to add one, how many there
   * are.
   */
  private static final class FieldAdder {
    private final int[] path;
    private final Supplier<FieldDescriptorProto.Builder> adder;
    private final IntSupplier count;

    FieldAdder(int[] path, Supplier<FieldDescriptorProto.Builder> adder, IntSupplier count) {
      this.path = path;
      this.adder = adder;
      this.count = count;
    }

    int[] path() {
      return path;
    }

    IntSupplier count() {
      return count;
    }

    FieldDescriptorProto.Builder add() {
      return adder.get();
    }
  }

  /**
   * Parses a field, map field or (rejected) group; {@code owner} is null for file-level extensions.
   */
  private void parseField(
      @Nullable MessageNode owner, String scope, FieldAdder adder, int oneofIndex) {
    Location.@Nullable Builder location =
        startLocation(path(adder.path(), adder.count().getAsInt()));
    Token first = peek();
    FieldDescriptorProto.Label label = null;
    boolean proto3Optional = false;
    if (first.is("optional") || first.is("required") || first.is("repeated")) {
      Token after = tokens.get(index + 1);
      // "optional.Foo x = 1" style type names are not labels; a label is followed by a type.
      if (!after.is(".")) {
        next();
        label =
            switch (first.text()) {
              case "optional" -> FieldDescriptorProto.Label.LABEL_OPTIONAL;
              case "required" -> FieldDescriptorProto.Label.LABEL_REQUIRED;
              default -> FieldDescriptorProto.Label.LABEL_REPEATED;
            };
        if (label == FieldDescriptorProto.Label.LABEL_REQUIRED && file.proto3) {
          problems.add(first.location(), "Required fields are not allowed in proto3.");
        }
        if (label == FieldDescriptorProto.Label.LABEL_OPTIONAL && file.proto3) {
          proto3Optional = true;
        }
      }
    }
    Token typeToken = peek();
    if (typeToken.is("group")) {
      throw error(
          typeToken, "Groups are not supported; use a nested message type and a field instead.");
    }
    if (typeToken.is("map") && tokens.get(index + 1).is("<")) {
      if (label != null) {
        problems.add(
            first.location(),
            "Field labels (required/optional/repeated) are not allowed on map fields.");
      }
      parseMapField(owner, scope, adder, oneofIndex, location);
      return;
    }
    if (label == null && !file.proto3 && oneofIndex < 0) {
      problems.add(typeToken.location(), "Expected \"required\", \"optional\", or \"repeated\".");
    }
    FieldDescriptorProto.Type scalar = SCALARS.get(typeToken.text());
    String typeName = null;
    if (scalar != null && typeToken.kind() == Token.Kind.IDENTIFIER) {
      next();
    } else {
      typeName = dottedName(true);
    }
    Token name = identifier("field name");
    expect("=");
    Token numberToken = peek();
    int number = fieldNumber();
    FieldDescriptorProto.Builder field = adder.add();
    field
        .setName(name.text())
        .setNumber(number)
        .setLabel(label == null ? FieldDescriptorProto.Label.LABEL_OPTIONAL : label);
    if (scalar != null && typeName == null) {
      field.setType(scalar);
    } else {
      field.setTypeName(typeName);
    }
    if (oneofIndex >= 0) {
      field.setOneofIndex(oneofIndex);
    }
    if (proto3Optional) {
      field.setProto3Optional(true);
    }
    FieldNode node =
        new FieldNode(
            field, scope, owner == null || isExtensionScope ? null : owner, name.location());
    node.typeLocation = typeToken.location();
    node.numberLocation = numberToken.location();
    node.isExtension = isExtensionScope;
    if (isExtensionScope) {
      field.setExtendee(currentExtendee);
      node.extendeeLocation = currentExtendeeLocation;
    }
    file.fields.add(node);
    parseFieldOptions(node);
    expectEnd(location);
  }

  private void parseMapField(
      @Nullable MessageNode owner,
      String scope,
      FieldAdder adder,
      int oneofIndex,
      Location.@Nullable Builder location) {
    Token mapToken = next();
    expect("<");
    Token keyToken = peek();
    FieldDescriptorProto.Type keyScalar = SCALARS.get(keyToken.text());
    String keyTypeName = null;
    if (keyScalar != null) {
      next();
    } else {
      keyTypeName = dottedName(true);
    }
    expect(",");
    Token valueToken = peek();
    FieldDescriptorProto.Type valueScalar = SCALARS.get(valueToken.text());
    String valueTypeName = null;
    if (valueScalar != null) {
      next();
    } else {
      valueTypeName = dottedName(true);
    }
    expect(">");
    Token name = identifier("field name");
    expect("=");
    Token numberToken = peek();
    int number = fieldNumber();
    if (isExtensionScope || owner == null) {
      problems.add(mapToken.location(), "Map fields are not allowed to be extensions.");
    }
    if (oneofIndex >= 0) {
      problems.add(mapToken.location(), "Map fields are not allowed in oneofs.");
    }
    if (owner == null) {
      throw new SyntaxError();
    }
    String entryName = mapEntryName(name.text());
    FieldDescriptorProto.Builder field = adder.add();
    field
        .setName(name.text())
        .setNumber(number)
        .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
        .setTypeName(entryName);
    FieldNode node = new FieldNode(field, scope, owner, name.location());
    node.typeLocation = mapToken.location();
    node.numberLocation = numberToken.location();
    file.fields.add(node);

    // protoc's parser adds the entry type where the map field is declared.
    DescriptorProto.Builder entry = owner.proto.addNestedTypeBuilder().setName(entryName);
    entry.getOptionsBuilder().setMapEntry(true);
    MessageNode entryNode =
        new MessageNode(entry, owner.fullName + "." + entryName, name.location());
    entryNode.mapEntry = true;
    file.messages.add(entryNode);
    FieldDescriptorProto.Builder key =
        entry
            .addFieldBuilder()
            .setName("key")
            .setNumber(1)
            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
    if (keyTypeName == null) {
      key.setType(keyScalar);
    } else {
      key.setTypeName(keyTypeName);
    }
    FieldDescriptorProto.Builder value =
        entry
            .addFieldBuilder()
            .setName("value")
            .setNumber(2)
            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
    if (valueTypeName == null) {
      value.setType(valueScalar);
    } else {
      value.setTypeName(valueTypeName);
    }
    FieldNode keyNode = new FieldNode(key, entryNode.fullName, entryNode, keyToken.location());
    keyNode.typeLocation = keyToken.location();
    keyNode.inMapEntry = true;
    FieldNode valueNode =
        new FieldNode(value, entryNode.fullName, entryNode, valueToken.location());
    valueNode.typeLocation = valueToken.location();
    valueNode.inMapEntry = true;
    file.fields.add(keyNode);
    file.fields.add(valueNode);
    parseFieldOptions(node);
    expectEnd(location);
  }

  private void parseFieldOptions(FieldNode node) {
    if (!peek().is("[")) {
      return;
    }
    next();
    List<ParsedOption> options = new ArrayList<>();
    FieldDescriptorProto.Builder field = node.proto;
    do {
      Token t = peek();
      if (t.is("default") && tokens.get(index + 1).is("=")) {
        next();
        next();
        if (node.defaultValue != null) {
          problems.add(t.location(), "Already set option \"default\".");
        }
        node.defaultValue = optionValue(false);
      } else if (t.is("json_name") && tokens.get(index + 1).is("=")) {
        next();
        next();
        if (node.jsonNameLocation != null) {
          problems.add(t.location(), "Already set option \"json_name\".");
        }
        node.jsonNameLocation = t.location();
        Token value = peek();
        if (value.kind() != Token.Kind.STRING) {
          throw error(value, "Expected string for JSON name.");
        }
        field.setJsonName(strings().toStringUtf8());
      } else {
        ParsedOption option = option(t, null);
        options.add(option);
        if (option.name().size() == 1
            && !option.name().get(0).isExtension()
            && option.name().get(0).name().equals("packed")
            && option.value().kind() == OptionValue.Kind.IDENTIFIER) {
          node.explicitPacked = option.value().text().equals("true");
        }
      }
    } while (tryConsume(","));
    expect("]");
    if (!options.isEmpty()) {
      file.optionSites.add(
          new OptionSite(
              "google.protobuf.FieldOptions",
              node.fullName(),
              options,
              bytes -> field.setOptions(FieldOptions.parseFrom(bytes)),
              false));
    }
  }

  private static String mapEntryName(String fieldName) {
    StringBuilder out = new StringBuilder();
    boolean capNext = true;
    for (int i = 0; i < fieldName.length(); i++) {
      char c = fieldName.charAt(i);
      if (c == '_') {
        capNext = true;
      } else if (capNext) {
        out.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
        capNext = false;
      } else {
        out.append(c);
      }
    }
    return out.append("Entry").toString();
  }

  /**
   * protoc's parser gives each proto3 {@code optional} field a one-field oneof named {@code
   * _field}.
   */
  private static void generateSyntheticOneofs(DescriptorProto.Builder message) {
    Set<String> names = new HashSet<>();
    for (FieldDescriptorProto.Builder f : message.getFieldBuilderList()) {
      names.add(f.getName());
    }
    for (OneofDescriptorProto.Builder o : message.getOneofDeclBuilderList()) {
      names.add(o.getName());
    }
    for (FieldDescriptorProto.Builder f : message.getFieldBuilderList()) {
      if (!f.getProto3Optional()) {
        continue;
      }
      String oneofName = f.getName().startsWith("_") ? f.getName() : "_" + f.getName();
      while (names.contains(oneofName)) {
        oneofName = "X" + oneofName;
      }
      names.add(oneofName);
      f.setOneofIndex(message.getOneofDeclCount());
      message.addOneofDeclBuilder().setName(oneofName);
    }
  }

  private void parseExtensions(MessageNode node, int[] messagePath) {
    Location.@Nullable Builder location =
        startLocation(path(messagePath, DescriptorProto.EXTENSION_RANGE_FIELD_NUMBER));
    next();
    List<Range> ranges = new ArrayList<>();
    do {
      Token startToken = peek();
      int start = fieldNumber();
      int end = start;
      if (tryConsume("to")) {
        if (peek().is("max")) {
          next();
          end = MAX_FIELD_NUMBER;
        } else {
          end = fieldNumber();
        }
      }
      ranges.add(new Range(start, end + 1, startToken.location()));
    } while (tryConsume(","));
    List<ParsedOption> options = new ArrayList<>();
    if (peek().is("[")) {
      next();
      do {
        options.add(option(peek(), null));
      } while (tryConsume(","));
      expect("]");
    }
    expectEnd(location);
    for (Range range : ranges) {
      DescriptorProto.ExtensionRange.Builder r =
          node.proto.addExtensionRangeBuilder().setStart(range.start()).setEnd(range.end());
      node.extensionRanges.add(range);
      if (!options.isEmpty()) {
        file.optionSites.add(
            new OptionSite(
                "google.protobuf.ExtensionRangeOptions",
                node.fullName,
                options,
                bytes -> r.setOptions(ExtensionRangeOptions.parseFrom(bytes)),
                false));
      }
    }
  }

  private void parseReserved(MessageNode node, int[] messagePath) {
    Location.@Nullable Builder location =
        startLocation(
            path(
                messagePath,
                tokens.get(index + 1).kind() == Token.Kind.STRING
                    ? DescriptorProto.RESERVED_NAME_FIELD_NUMBER
                    : DescriptorProto.RESERVED_RANGE_FIELD_NUMBER));
    next();
    if (peek().kind() == Token.Kind.STRING) {
      do {
        Token t = peek();
        node.reservedNameLocations.add(t.location());
        node.proto.addReservedName(strings().toStringUtf8());
      } while (tryConsume(","));
    } else {
      do {
        Token startToken = peek();
        int start = fieldNumber();
        int end = start;
        if (tryConsume("to")) {
          if (peek().is("max")) {
            next();
            end = MAX_FIELD_NUMBER;
          } else {
            end = fieldNumber();
          }
        }
        node.reservedRanges.add(new Range(start, end + 1, startToken.location()));
        node.proto.addReservedRangeBuilder().setStart(start).setEnd(end + 1);
      } while (tryConsume(","));
    }
    expectEnd(location);
  }

  // ---------------------------------------------------------------- extend

  private boolean isExtensionScope;
  private String currentExtendee = "";
  private @Nullable SourceLocation currentExtendeeLocation;

  private void parseExtend(String scope, @Nullable MessageNode owner, FieldAdder adder) {
    Location.@Nullable Builder location = startLocation(adder.path());
    next();
    Token extendeeToken = peek();
    String extendee = dottedName(true);
    expectOpen(location);
    boolean saved = isExtensionScope;
    String savedExtendee = currentExtendee;
    SourceLocation savedLocation = currentExtendeeLocation;
    isExtensionScope = true;
    currentExtendee = extendee;
    currentExtendeeLocation = extendeeToken.location();
    try {
      members(
          "extend definition", location, t -> statement(() -> parseField(owner, scope, adder, -1)));
    } finally {
      isExtensionScope = saved;
      currentExtendee = savedExtendee;
      currentExtendeeLocation = savedLocation;
    }
  }

  // ---------------------------------------------------------------- enums

  private void parseEnum(String scope, EnumDescriptorProto.Builder enumType, int[] path) {
    Location.@Nullable Builder location = startLocation(path);
    next();
    Token name = identifier("enum name");
    enumType.setName(name.text());
    String fullName = join(scope, name.text());
    EnumNode node = new EnumNode(enumType, fullName, name.location());
    file.enums.add(node);
    List<ParsedOption> options = new ArrayList<>();
    file.optionSites.add(
        new OptionSite(
            "google.protobuf.EnumOptions",
            fullName,
            options,
            bytes -> enumType.setOptions(EnumOptions.parseFrom(bytes)),
            false));
    expectOpen(location);
    members(
        "enum definition",
        location,
        t -> {
          if (t.is("option")) {
            statement(
                () ->
                    parseOptionStatement(
                        options, path(path, EnumDescriptorProto.OPTIONS_FIELD_NUMBER)));
          } else if (t.is("reserved")) {
            statement(() -> parseEnumReserved(node, path));
          } else {
            statement(() -> parseEnumValue(node, scope, path));
          }
        });
  }

  private void parseEnumValue(EnumNode node, String scope, int[] enumPath) {
    Location.@Nullable Builder location =
        startLocation(
            path(enumPath, EnumDescriptorProto.VALUE_FIELD_NUMBER, node.proto.getValueCount()));
    Token name = identifier("enum constant name");
    expect("=");
    int number = signedInt32();
    EnumValueDescriptorProto.Builder enumValue =
        node.proto.addValueBuilder().setName(name.text()).setNumber(number);
    node.valueLocations.add(name.location());
    if (peek().is("[")) {
      next();
      List<ParsedOption> options = new ArrayList<>();
      do {
        options.add(option(peek(), null));
      } while (tryConsume(","));
      expect("]");
      // Enum values are siblings of their enum in protoc's scoping.
      file.optionSites.add(
          new OptionSite(
              "google.protobuf.EnumValueOptions",
              join(scope, name.text()),
              options,
              bytes -> enumValue.setOptions(EnumValueOptions.parseFrom(bytes)),
              false));
    }
    expectEnd(location);
  }

  private void parseEnumReserved(EnumNode node, int[] enumPath) {
    Location.@Nullable Builder location =
        startLocation(
            path(
                enumPath,
                tokens.get(index + 1).kind() == Token.Kind.STRING
                    ? EnumDescriptorProto.RESERVED_NAME_FIELD_NUMBER
                    : EnumDescriptorProto.RESERVED_RANGE_FIELD_NUMBER));
    next();
    if (peek().kind() == Token.Kind.STRING) {
      do {
        node.proto.addReservedName(strings().toStringUtf8());
      } while (tryConsume(","));
    } else {
      do {
        Token startToken = peek();
        int start = signedInt32();
        int end = start;
        if (tryConsume("to")) {
          if (peek().is("max")) {
            next();
            end = Integer.MAX_VALUE;
          } else {
            end = signedInt32();
          }
        }
        node.reservedRanges.add(new Range(start, end, startToken.location()));
        node.proto.addReservedRangeBuilder().setStart(start).setEnd(end);
      } while (tryConsume(","));
    }
    expectEnd(location);
  }

  // ---------------------------------------------------------------- services

  private void parseService() {
    int[] path = path(FileDescriptorProto.SERVICE_FIELD_NUMBER, file.proto.getServiceCount());
    Location.@Nullable Builder location = startLocation(path);
    next();
    Token name = identifier("service name");
    ServiceDescriptorProto.Builder service = file.proto.addServiceBuilder().setName(name.text());
    String fullName = join(file.packageName(), name.text());
    file.services.add(new ParsedFile.ServiceNode(fullName, name.location()));
    List<ParsedOption> options = new ArrayList<>();
    file.optionSites.add(
        new OptionSite(
            "google.protobuf.ServiceOptions",
            fullName,
            options,
            bytes -> service.setOptions(ServiceOptions.parseFrom(bytes)),
            false));
    expectOpen(location);
    members(
        "service definition",
        location,
        t -> {
          if (t.is("option")) {
            statement(
                () ->
                    parseOptionStatement(
                        options, path(path, ServiceDescriptorProto.OPTIONS_FIELD_NUMBER)));
          } else if (t.is("rpc")) {
            statement(() -> parseMethod(service, fullName, path));
          } else {
            problems.add(
                t.location(), "Expected \"rpc\", \"option\" or \"}\" in service definition.");
            statement(
                () -> {
                  throw new SyntaxError();
                });
          }
        });
  }

  private void parseMethod(
      ServiceDescriptorProto.Builder service, String serviceName, int[] servicePath) {
    int[] path =
        path(servicePath, ServiceDescriptorProto.METHOD_FIELD_NUMBER, service.getMethodCount());
    Location.@Nullable Builder location = startLocation(path);
    next();
    Token name = identifier("method name");
    expect("(");
    // As protoc: a leading "stream" is always the keyword, so "stream.Foo" streams ".Foo".
    if (peek().is("stream")) {
      next();
      clientStreaming = true;
    } else {
      clientStreaming = false;
    }
    Token inputToken = peek();
    String input = dottedName(true);
    boolean inputStreaming = clientStreaming;
    expect(")");
    expect("returns");
    expect("(");
    boolean outputStreaming = false;
    if (peek().is("stream")) {
      next();
      outputStreaming = true;
    }
    Token outputToken = peek();
    String output = dottedName(true);
    expect(")");
    MethodDescriptorProto.Builder method =
        service.addMethodBuilder().setName(name.text()).setInputType(input).setOutputType(output);
    if (inputStreaming) {
      method.setClientStreaming(true);
    }
    if (outputStreaming) {
      method.setServerStreaming(true);
    }
    String fullName = serviceName + "." + name.text();
    file.methods.add(
        new ParsedFile.MethodNode(
            method, fullName, name.location(), inputToken.location(), outputToken.location()));
    if (endOfDeclaration("{", location)) {
      List<ParsedOption> options = new ArrayList<>();
      file.optionSites.add(
          new OptionSite(
              "google.protobuf.MethodOptions",
              fullName,
              options,
              bytes -> method.setOptions(MethodOptions.parseFrom(bytes)),
              true));
      members(
          "method options",
          location,
          t -> {
            if (t.is("option")) {
              statement(
                  () ->
                      parseOptionStatement(
                          options, path(path, MethodDescriptorProto.OPTIONS_FIELD_NUMBER)));
            } else {
              problems.add(t.location(), "Expected \"option\" or \"}\" in method body.");
              statement(
                  () -> {
                    throw new SyntaxError();
                  });
            }
          });
      // protoc parses this ';' as an empty statement of the service.
      endOfDeclaration(";", null);
    } else {
      expectEnd(location);
    }
  }

  private boolean clientStreaming;

  // ---------------------------------------------------------------- options

  /** {@code optionsPath} is the path of the element's options field, such as 8 for a file. */
  private void parseOptionStatement(List<ParsedOption> into, int... optionsPath) {
    Location.@Nullable Builder location = startLocation(optionsPath);
    next();
    into.add(option(peek(), location));
    expectEnd(location);
  }

  /** Parses {@code name = value} (the name possibly with parenthesised extension parts). */
  private ParsedOption option(Token first, Location.@Nullable Builder location) {
    List<NamePart> name = new ArrayList<>();
    do {
      Token t = peek();
      if (tryConsume("(")) {
        StringBuilder ext = new StringBuilder();
        if (tryConsume(".")) {
          ext.append('.');
        }
        ext.append(identifier("option name").text());
        while (tryConsume(".")) {
          ext.append('.').append(identifier("option name").text());
        }
        expect(")");
        name.add(new NamePart(ext.toString(), true, t.location()));
      } else {
        name.add(new NamePart(identifier("option name").text(), false, t.location()));
      }
    } while (tryConsume("."));
    expect("=");
    OptionValue value = optionValue(true);
    return new ParsedOption(List.copyOf(name), value, first.location(), location);
  }

  private OptionValue optionValue(boolean allowAggregate) {
    Token t = peek();
    if (allowAggregate && t.is("{")) {
      next();
      List<Token> body = new ArrayList<>();
      int depth = 1;
      while (true) {
        Token n = peek();
        if (n.kind() == Token.Kind.END) {
          throw error(n, "Unexpected end of stream while parsing aggregate value.");
        }
        next();
        if (n.is("{")) {
          depth++;
        } else if (n.is("}")) {
          depth--;
          if (depth == 0) {
            break;
          }
        }
        body.add(n);
      }
      body.add(new Token(Token.Kind.END, "", null, t.location()));
      return new OptionValue(
          OptionValue.Kind.AGGREGATE, "", null, 0, null, List.copyOf(body), t.location());
    }
    boolean negative = tryConsume("-");
    Token v = peek();
    switch (v.kind()) {
      case IDENTIFIER -> {
        next();
        if (negative && allowAggregate) {
          // protoc 3.21 accepts -inf / -nan only in default values, not in options.
          throw error(v, "Invalid '-' symbol before identifier.");
        }
        if (negative) {
          if (v.text().equals("inf")) {
            return new OptionValue(
                OptionValue.Kind.FLOAT,
                "-inf",
                null,
                Double.NEGATIVE_INFINITY,
                null,
                null,
                t.location());
          }
          if (v.text().equals("nan")) {
            return new OptionValue(
                OptionValue.Kind.FLOAT, "-nan", null, Double.NaN, null, null, t.location());
          }
          throw error(v, "Identifier after '-' symbol must be inf or nan.");
        }
        return new OptionValue(
            OptionValue.Kind.IDENTIFIER, v.text(), null, 0, null, null, t.location());
      }
      case INTEGER -> {
        next();
        BigInteger value = integerValue(v);
        if (negative) {
          value = value.negate();
          if (value.compareTo(BigInteger.valueOf(Long.MIN_VALUE)) < 0) {
            throw error(v, "Integer out of range.");
          }
        } else if (value.bitLength() > 64) {
          throw error(v, "Integer out of range.");
        }
        return new OptionValue(
            OptionValue.Kind.INTEGER,
            (negative ? "-" : "") + v.text(),
            value,
            0,
            null,
            null,
            t.location());
      }
      case FLOAT -> {
        next();
        double d = Double.parseDouble(v.text());
        return new OptionValue(
            OptionValue.Kind.FLOAT,
            (negative ? "-" : "") + v.text(),
            null,
            negative ? -d : d,
            null,
            null,
            t.location());
      }
      case STRING -> {
        if (negative) {
          throw error(v, "Invalid '-' symbol before string.");
        }
        ByteString s = strings();
        return new OptionValue(
            OptionValue.Kind.STRING,
            s.toString(StandardCharsets.UTF_8),
            null,
            0,
            s,
            null,
            t.location());
      }
      default -> throw error(v, "Expected option value.");
    }
  }

  // ---------------------------------------------------------------- helpers

  static BigInteger integerValue(Token t) {
    String text = t.text();
    if (text.startsWith("0x") || text.startsWith("0X")) {
      return text.length() == 2 ? BigInteger.ZERO : new BigInteger(text.substring(2), 16);
    }
    if (text.length() > 1 && text.startsWith("0")) {
      try {
        return new BigInteger(text.substring(1), 8);
      } catch (NumberFormatException e) {
        return BigInteger.ZERO;
      }
    }
    return new BigInteger(text);
  }

  private int fieldNumber() {
    Token t = peek();
    if (t.kind() != Token.Kind.INTEGER) {
      throw error(t, "Expected field number.");
    }
    next();
    BigInteger value = integerValue(t);
    if (value.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
      throw error(t, "Integer out of range.");
    }
    return value.intValue();
  }

  private int signedInt32() {
    boolean negative = tryConsume("-");
    Token t = peek();
    if (t.kind() != Token.Kind.INTEGER) {
      throw error(t, "Expected integer.");
    }
    next();
    BigInteger value = integerValue(t);
    if (negative) {
      value = value.negate();
    }
    if (value.compareTo(BigInteger.valueOf(Integer.MIN_VALUE)) < 0
        || value.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
      throw error(t, "Integer out of range.");
    }
    return value.intValue();
  }

  /** Adjacent string literals concatenate, as in C. */
  private ByteString strings() {
    ByteString out = ByteString.EMPTY;
    while (peek().kind() == Token.Kind.STRING) {
      ByteString b = next().bytes();
      out = out.concat(b == null ? ByteString.EMPTY : b);
    }
    return out;
  }

  private String dottedName(boolean allowLeadingDot) {
    StringBuilder out = new StringBuilder();
    if (allowLeadingDot && tryConsume(".")) {
      out.append('.');
    }
    out.append(identifier("type name").text());
    while (peek().is(".")) {
      next();
      out.append('.').append(identifier("identifier").text());
    }
    return out.toString();
  }

  private Token identifier(String what) {
    Token t = peek();
    if (t.kind() != Token.Kind.IDENTIFIER) {
      throw error(t, "Expected " + what + ".");
    }
    return next();
  }

  private void expect(String symbol) {
    Token t = peek();
    if (!t.is(symbol)) {
      throw error(t, "Expected \"" + symbol + "\", found " + t.describe() + ".");
    }
    next();
  }

  /** Consumes the {@code ;} that ends the declaration at {@code location}, and ends its span. */
  private void expectEnd(Location.@Nullable Builder location) {
    Token t = peek();
    if (!endOfDeclaration(";", location)) {
      throw error(t, "Expected \";\", found " + t.describe() + ".");
    }
    finish(location);
  }

  /** Consumes the opening brace of the body of the declaration at {@code location}. */
  private void expectOpen(Location.@Nullable Builder location) {
    Token t = peek();
    if (!endOfDeclaration("{", location)) {
      throw error(t, "Expected \"{\", found " + t.describe() + ".");
    }
  }

  // ---------------------------------------------------------------- source info

  /**
   * protoc's TryConsumeEndOfDeclaration: consumes {@code symbol} if it is next and passes the
   * comments on. The declaration at {@code location} gets the comments that led it, the detached
   * ones before those, and the comment that trails {@code symbol}; the comments after {@code
   * symbol} wait for the next declaration. Without a location (an empty statement or a closing
   * brace), the leading comments are dropped, and so are the detached ones at a closing brace.
   */
  private boolean endOfDeclaration(String symbol, Location.@Nullable Builder location) {
    Token t = peek();
    if (!t.is(symbol)) {
      return false;
    }
    next();
    if (!keepSourceInfo) {
      return true;
    }
    Comments comments = Comments.between(text, t, peek());
    String leading = upcomingDoc;
    upcomingDoc = comments.leading();
    if (location != null) {
      if (!leading.isEmpty()) {
        location.setLeadingComments(leading);
      }
      if (!comments.trailing().isEmpty()) {
        location.setTrailingComments(comments.trailing());
      }
      if (!upcomingDetached.isEmpty()) {
        location.addAllLeadingDetachedComments(upcomingDetached);
      }
      upcomingDetached = comments.detached();
    } else if (symbol.equals("}")) {
      upcomingDetached = comments.detached();
    } else if (!comments.detached().isEmpty()) {
      List<String> all = new ArrayList<>(upcomingDetached);
      all.addAll(comments.detached());
      upcomingDetached = all;
    }
    return true;
  }

  /**
   * protoc's LocationRecorder: a location for the declaration that starts at the next token, added
   * now so locations keep protoc's order (by start). Null when source info is not kept.
   */
  private Location.@Nullable Builder startLocation(int[] path) {
    if (!keepSourceInfo) {
      return null;
    }
    Token t = peek();
    Location.Builder location = Location.newBuilder();
    for (int p : path) {
      location.addPath(p);
    }
    location.addSpan(t.spanLine()).addSpan(t.spanColumn());
    file.locations.add(location);
    return location;
  }

  /**
   * Ends the span at the token consumed last; the end line is left out when it is the start line.
   */
  /**
   * The members of a {@code { ... }} block, through its closing '}': empty statements are skipped
   * and each other member goes to {@code member}, which gets the member's first token.
   */
  private void members(String what, Location.@Nullable Builder location, Consumer<Token> member) {
    while (true) {
      Token t = peek();
      if (t.kind() == Token.Kind.END) {
        throw error(t, "Reached end of input in " + what + " (missing '}').");
      }
      if (endOfDeclaration("}", null)) {
        finish(location);
        return;
      }
      if (t.is(";")) {
        endOfDeclaration(";", null);
      } else {
        member.accept(t);
      }
    }
  }

  private void finish(Location.@Nullable Builder location) {
    if (location == null || index == 0) {
      return;
    }
    Token last = tokens.get(index - 1);
    if (last.spanLine() != location.getSpan(0)) {
      location.addSpan(last.spanLine());
    }
    location.addSpan(last.spanEndColumn());
  }

  private static int[] path(int... path) {
    return path;
  }

  private static int[] path(int[] parent, int... more) {
    int[] out = java.util.Arrays.copyOf(parent, parent.length + more.length);
    System.arraycopy(more, 0, out, parent.length, more.length);
    return out;
  }

  private boolean tryConsume(String symbol) {
    if (peek().is(symbol)) {
      next();
      return true;
    }
    return false;
  }

  private Token peek() {
    return tokens.get(index);
  }

  private Token next() {
    Token t = tokens.get(index);
    if (index < tokens.size() - 1) {
      index++;
    }
    return t;
  }

  private SyntaxError error(Token at, String message) {
    problems.add(at.location(), message);
    return new SyntaxError();
  }

  /** protoc's recovery: skip to the end of the statement or past the block it opened. */
  private void skipStatement() {
    while (true) {
      Token t = peek();
      if (t.kind() == Token.Kind.END || t.is("}")) {
        return;
      }
      next();
      if (t.is(";")) {
        return;
      }
      if (t.is("{")) {
        int depth = 1;
        while (depth > 0 && peek().kind() != Token.Kind.END) {
          Token n = next();
          if (n.is("{")) {
            depth++;
          } else if (n.is("}")) {
            depth--;
          }
        }
        return;
      }
    }
  }

  private static String join(String scope, String name) {
    return scope.isEmpty() ? name : scope + "." + name;
  }
}
