package dev.switchboard.contract.internal.parser;

import com.google.protobuf.DescriptorProtos.DescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProtoOrBuilder;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProtoOrBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every name defined by the files of one compilation, like protoc's DescriptorPool tables: full
 * name to definition, with the defining file so the linker can enforce that a name is only used
 * where its file is imported.
 */
final class SymbolTable {
  enum Kind {
    PACKAGE,
    MESSAGE,
    ENUM,
    ENUM_VALUE,
    FIELD,
    ONEOF,
    EXTENSION,
    SERVICE,
    METHOD;

    boolean isType() {
      return this == MESSAGE || this == ENUM;
    }

    boolean isAggregate() {
      return this == MESSAGE || this == PACKAGE || this == ENUM || this == SERVICE;
    }

    String noun() {
      return switch (this) {
        case PACKAGE -> "package";
        case MESSAGE -> "message";
        case ENUM -> "enum";
        case ENUM_VALUE -> "enum value";
        case FIELD -> "field";
        case ONEOF -> "oneof";
        case EXTENSION -> "extension";
        case SERVICE -> "service";
        case METHOD -> "method";
      };
    }
  }

  /**
   * One definition. {@code node} is the descriptor proto (or live builder) of the element; for an
   * enum value it is the value and {@code parent} its enum; {@code proto3} is the defining file's
   * syntax.
   */
  record Symbol(
      Kind kind,
      String fullName,
      String file,
      Object node,
      @Nullable Object parent,
      boolean proto3) {}

  /** Reported when a name is defined twice. */
  interface DuplicateListener {
    void duplicate(Symbol existing, Symbol added);
  }

  private final Map<String, Symbol> symbols = new HashMap<>();
  private final Map<String, Set<String>> packageFiles = new HashMap<>();

  /**
   * Explicit {@code packed} settings of fields whose options are not interpreted yet, by full name.
   */
  final Map<String, Boolean> explicitPacked = new HashMap<>();

  @Nullable Symbol get(String fullName) {
    return symbols.get(fullName);
  }

  Set<String> filesOfPackage(String name) {
    return packageFiles.getOrDefault(name, Set.of());
  }

  Collection<Symbol> all() {
    return symbols.values();
  }

  void addPackage(String pkg, String file, DuplicateListener onDuplicate) {
    if (pkg.isEmpty()) {
      return;
    }
    String prefix = "";
    for (String part : pkg.split("\\.", -1)) {
      prefix = prefix.isEmpty() ? part : prefix + "." + part;
      Symbol existing = symbols.get(prefix);
      Symbol added = new Symbol(Kind.PACKAGE, prefix, file, prefix, null, false);
      if (existing == null) {
        symbols.put(prefix, added);
      } else if (existing.kind() != Kind.PACKAGE) {
        onDuplicate.duplicate(existing, added);
      }
      packageFiles.computeIfAbsent(prefix, k -> new LinkedHashSet<>()).add(file);
    }
  }

  boolean add(Symbol symbol, DuplicateListener onDuplicate) {
    Symbol existing = symbols.putIfAbsent(symbol.fullName(), symbol);
    if (existing != null) {
      onDuplicate.duplicate(existing, symbol);
      return false;
    }
    return true;
  }

  /** Adds every definition of a linked (or parsed, for the file being linked) file. */
  void addFile(FileDescriptorProtoOrBuilder file, DuplicateListener onDuplicate) {
    String name = file.getName();
    boolean proto3 = file.getSyntax().equals("proto3");
    String pkg = file.getPackage();
    addPackage(pkg, name, onDuplicate);
    for (DescriptorProtoOrBuilder message : file.getMessageTypeOrBuilderList()) {
      addMessage(name, pkg, message, proto3, onDuplicate);
    }
    for (EnumDescriptorProtoOrBuilder e : file.getEnumTypeOrBuilderList()) {
      addEnum(name, pkg, e, proto3, onDuplicate);
    }
    for (ServiceDescriptorProtoOrBuilder service : file.getServiceOrBuilderList()) {
      String serviceName = join(pkg, service.getName());
      add(new Symbol(Kind.SERVICE, serviceName, name, service, null, proto3), onDuplicate);
      for (MethodDescriptorProtoOrBuilder method : service.getMethodOrBuilderList()) {
        add(
            new Symbol(
                Kind.METHOD, serviceName + "." + method.getName(), name, method, service, proto3),
            onDuplicate);
      }
    }
    for (FieldDescriptorProtoOrBuilder ext : file.getExtensionOrBuilderList()) {
      add(
          new Symbol(Kind.EXTENSION, join(pkg, ext.getName()), name, ext, null, proto3),
          onDuplicate);
    }
  }

  private void addMessage(
      String file,
      String scope,
      DescriptorProtoOrBuilder message,
      boolean proto3,
      DuplicateListener onDuplicate) {
    String fullName = join(scope, message.getName());
    add(new Symbol(Kind.MESSAGE, fullName, file, message, null, proto3), onDuplicate);
    for (OneofDescriptorProtoOrBuilder oneof : message.getOneofDeclOrBuilderList()) {
      add(
          new Symbol(Kind.ONEOF, fullName + "." + oneof.getName(), file, oneof, message, proto3),
          onDuplicate);
    }
    for (FieldDescriptorProtoOrBuilder field : message.getFieldOrBuilderList()) {
      add(
          new Symbol(Kind.FIELD, fullName + "." + field.getName(), file, field, message, proto3),
          onDuplicate);
    }
    for (DescriptorProtoOrBuilder nested : message.getNestedTypeOrBuilderList()) {
      addMessage(file, fullName, nested, proto3, onDuplicate);
    }
    for (EnumDescriptorProtoOrBuilder e : message.getEnumTypeOrBuilderList()) {
      addEnum(file, fullName, e, proto3, onDuplicate);
    }
    for (FieldDescriptorProtoOrBuilder ext : message.getExtensionOrBuilderList()) {
      add(
          new Symbol(Kind.EXTENSION, fullName + "." + ext.getName(), file, ext, null, proto3),
          onDuplicate);
    }
  }

  private void addEnum(
      String file,
      String scope,
      EnumDescriptorProtoOrBuilder e,
      boolean proto3,
      DuplicateListener onDuplicate) {
    String fullName = join(scope, e.getName());
    add(new Symbol(Kind.ENUM, fullName, file, e, null, proto3), onDuplicate);
    for (EnumValueDescriptorProtoOrBuilder value : e.getValueOrBuilderList()) {
      // C++ scoping: enum values are siblings of their enum.
      add(
          new Symbol(Kind.ENUM_VALUE, join(scope, value.getName()), file, value, e, proto3),
          onDuplicate);
    }
  }

  /** Extensions of {@code extendee} (full name without dot) defined anywhere in the table. */
  List<Symbol> extensionsOf(String extendee) {
    List<Symbol> out = new ArrayList<>();
    for (Symbol s : symbols.values()) {
      if (s.kind() == Kind.EXTENSION
          && ((FieldDescriptorProtoOrBuilder) s.node()).getExtendee().equals("." + extendee)) {
        out.add(s);
      }
    }
    return out;
  }

  static String join(String scope, String name) {
    return scope.isEmpty() ? name : scope + "." + name;
  }

  /**
   * A table of protobuf-java's own descriptor.proto, used when a file sets options without
   * importing it.
   */
  static SymbolTable builtinDescriptorProto() {
    SymbolTable table = new SymbolTable();
    FileDescriptorProto proto = com.google.protobuf.DescriptorProtos.getDescriptor().toProto();
    table.addFile(proto, (a, b) -> {});
    return table;
  }
}
