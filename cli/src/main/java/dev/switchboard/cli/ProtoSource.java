package dev.switchboard.cli;

import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Descriptors printed back as {@code .proto} source, the way {@code grpcurl describe} shows them: a
 * heading line ({@code pkg.Order is a message:}) and the definition, with type names fully
 * qualified (leading dot) so they are unambiguous.
 */
final class ProtoSource {
  private final StringBuilder text = new StringBuilder();

  private ProtoSource() {}

  static String describe(GenericDescriptor descriptor) {
    ProtoSource source = new ProtoSource();
    source
        .text
        .append(descriptor.getFullName())
        .append(" is ")
        .append(article(kind(descriptor)))
        .append(' ')
        .append(kind(descriptor))
        .append(":\n");
    source.write(descriptor, "");
    return source.text.toString();
  }

  static String kind(GenericDescriptor descriptor) {
    if (descriptor instanceof ServiceDescriptor) {
      return "service";
    }
    if (descriptor instanceof MethodDescriptor) {
      return "method";
    }
    if (descriptor instanceof Descriptor) {
      return "message";
    }
    if (descriptor instanceof EnumDescriptor) {
      return "enum";
    }
    if (descriptor instanceof EnumValueDescriptor) {
      return "enum value";
    }
    if (descriptor instanceof FieldDescriptor field) {
      return field.isExtension() ? "extension" : "field";
    }
    if (descriptor instanceof FileDescriptor) {
      return "file";
    }
    return "symbol";
  }

  private static String article(String noun) {
    return "aeiou".indexOf(noun.charAt(0)) >= 0 ? "an" : "a";
  }

  private void write(GenericDescriptor descriptor, String indent) {
    if (descriptor instanceof ServiceDescriptor service) {
      service(service, indent);
    } else if (descriptor instanceof MethodDescriptor method) {
      method(method, indent);
    } else if (descriptor instanceof Descriptor message) {
      message(message, indent);
    } else if (descriptor instanceof EnumDescriptor enumType) {
      enumType(enumType, indent);
    } else if (descriptor instanceof EnumValueDescriptor value) {
      text.append(indent)
          .append(value.getName())
          .append(" = ")
          .append(value.getNumber())
          .append(";\n");
    } else if (descriptor instanceof FieldDescriptor field) {
      if (field.isExtension()) {
        text.append(indent)
            .append("extend ")
            .append(typeName(field.getContainingType()))
            .append(" {\n");
        field(field, indent + "  ");
        text.append(indent).append("}\n");
      } else {
        field(field, indent);
      }
    } else {
      text.append(indent).append(descriptor.toProto()).append('\n');
    }
  }

  private void service(ServiceDescriptor service, String indent) {
    comments(service, indent);
    text.append(indent).append("service ").append(service.getName()).append(" {\n");
    for (MethodDescriptor method : service.getMethods()) {
      method(method, indent + "  ");
    }
    text.append(indent).append("}\n");
  }

  private void method(MethodDescriptor method, String indent) {
    comments(method, indent);
    text.append(indent)
        .append("rpc ")
        .append(method.getName())
        .append(" ( ")
        .append(method.isClientStreaming() ? "stream " : "")
        .append(typeName(method.getInputType()))
        .append(" ) returns ( ")
        .append(method.isServerStreaming() ? "stream " : "")
        .append(typeName(method.getOutputType()))
        .append(" );\n");
  }

  private void message(Descriptor message, String indent) {
    comments(message, indent);
    text.append(indent).append("message ").append(message.getName()).append(" {\n");
    String inner = indent + "  ";
    for (Descriptor nested : message.getNestedTypes()) {
      if (nested.getOptions().getMapEntry()) {
        continue;
      }
      message(nested, inner);
    }
    for (EnumDescriptor nested : message.getEnumTypes()) {
      enumType(nested, inner);
    }
    List<OneofDescriptor> printedOneofs = new ArrayList<>();
    for (FieldDescriptor field : message.getFields()) {
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof == null) {
        field(field, inner);
      } else if (!printedOneofs.contains(oneof)) {
        printedOneofs.add(oneof);
        text.append(inner).append("oneof ").append(oneof.getName()).append(" {\n");
        for (FieldDescriptor member : oneof.getFields()) {
          field(member, inner + "  ");
        }
        text.append(inner).append("}\n");
      }
    }
    for (FieldDescriptor extension : message.getExtensions()) {
      write(extension, inner);
    }
    for (var range : message.toProto().getExtensionRangeList()) {
      text.append(inner)
          .append("extensions ")
          .append(range.getStart())
          .append(" to ")
          .append(range.getEnd() - 1 == 536_870_911 ? "max" : String.valueOf(range.getEnd() - 1))
          .append(";\n");
    }
    for (var range : message.toProto().getReservedRangeList()) {
      text.append(inner)
          .append("reserved ")
          .append(range.getStart())
          .append(range.getEnd() - 1 == range.getStart() ? "" : " to " + (range.getEnd() - 1))
          .append(";\n");
    }
    for (String name : message.toProto().getReservedNameList()) {
      text.append(inner).append("reserved \"").append(name).append("\";\n");
    }
    text.append(indent).append("}\n");
  }

  private void enumType(EnumDescriptor enumType, String indent) {
    comments(enumType, indent);
    text.append(indent).append("enum ").append(enumType.getName()).append(" {\n");
    if (enumType.getOptions().getAllowAlias()) {
      text.append(indent).append("  option allow_alias = true;\n");
    }
    for (EnumValueDescriptor value : enumType.getValues()) {
      text.append(indent)
          .append("  ")
          .append(value.getName())
          .append(" = ")
          .append(value.getNumber())
          .append(value.getOptions().getDeprecated() ? " [deprecated = true]" : "")
          .append(";\n");
    }
    text.append(indent).append("}\n");
  }

  private void field(FieldDescriptor field, String indent) {
    comments(field, indent);
    text.append(indent);
    if (field.isMapField()) {
      Descriptor entry = field.getMessageType();
      text.append("map<")
          .append(fieldType(entry.findFieldByNumber(1)))
          .append(", ")
          .append(fieldType(entry.findFieldByNumber(2)))
          .append("> ");
    } else {
      if (field.isRepeated()) {
        text.append("repeated ");
      } else if (field.isRequired()) {
        text.append("required ");
      } else if (isProto3(field)
          ? field.toProto().getProto3Optional()
          : isProto2(field) && field.getContainingOneof() == null) {
        text.append("optional ");
      }
      text.append(fieldType(field)).append(' ');
    }
    text.append(field.getName()).append(" = ").append(field.getNumber());
    List<String> options = new ArrayList<>();
    if (field.toProto().hasJsonName()
        && !field.getJsonName().equals(defaultJsonName(field.getName()))) {
      options.add("json_name = \"" + field.getJsonName() + "\"");
    }
    if (field.toProto().hasDefaultValue()) {
      options.add("default = " + field.toProto().getDefaultValue());
    }
    if (field.getOptions().getDeprecated()) {
      options.add("deprecated = true");
    }
    if (field.getOptions().hasPacked()) {
      options.add("packed = " + field.getOptions().getPacked());
    }
    if (!options.isEmpty()) {
      text.append(" [").append(String.join(", ", options)).append(']');
    }
    text.append(";\n");
  }

  private static boolean isProto3(FieldDescriptor field) {
    return field.getFile().toProto().getSyntax().equals("proto3");
  }

  private static boolean isProto2(FieldDescriptor field) {
    String syntax = field.getFile().toProto().getSyntax();
    return syntax.isEmpty() || syntax.equals("proto2");
  }

  private static String fieldType(FieldDescriptor field) {
    return switch (field.getType()) {
      case MESSAGE, GROUP -> typeName(field.getMessageType());
      case ENUM -> typeName(field.getEnumType());
      default -> field.getType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String typeName(GenericDescriptor type) {
    return "." + type.getFullName();
  }

  private static String defaultJsonName(String name) {
    StringBuilder json = new StringBuilder();
    boolean upper = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        upper = true;
      } else {
        json.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return json.toString();
  }

  /**
   * Leading comments from the file's source info, when the contract kept it (reflection usually
   * does not).
   */
  private void comments(GenericDescriptor descriptor, String indent) {
    List<Integer> path = sourcePath(descriptor);
    if (path.isEmpty()) {
      return;
    }
    for (SourceCodeInfo.Location location :
        descriptor.getFile().toProto().getSourceCodeInfo().getLocationList()) {
      if (location.getPathList().equals(path) && location.hasLeadingComments()) {
        for (String line : location.getLeadingComments().stripTrailing().split("\n", -1)) {
          text.append(indent).append("//").append(line).append('\n');
        }
        return;
      }
    }
  }

  /**
   * The element's path in SourceCodeInfo: field numbers of FileDescriptorProto and DescriptorProto
   * (message_type 4, enum_type 5, service 6; method 2; field 2, nested_type 3, nested enum 4),
   * interleaved with indexes. Empty for elements without one here.
   */
  private static List<Integer> sourcePath(GenericDescriptor descriptor) {
    List<Integer> path = new ArrayList<>();
    if (descriptor instanceof ServiceDescriptor service) {
      path.addAll(List.of(6, service.getIndex()));
    } else if (descriptor instanceof MethodDescriptor method) {
      path.addAll(List.of(6, method.getService().getIndex(), 2, method.getIndex()));
    } else if (descriptor instanceof Descriptor message) {
      Descriptor parent = message.getContainingType();
      if (parent == null) {
        path.addAll(List.of(4, message.getIndex()));
      } else {
        path.addAll(sourcePath(parent));
        path.addAll(List.of(3, message.getIndex()));
      }
    } else if (descriptor instanceof EnumDescriptor enumType) {
      Descriptor parent = enumType.getContainingType();
      if (parent == null) {
        path.addAll(List.of(5, enumType.getIndex()));
      } else {
        path.addAll(sourcePath(parent));
        path.addAll(List.of(4, enumType.getIndex()));
      }
    } else if (descriptor instanceof FieldDescriptor field && !field.isExtension()) {
      path.addAll(sourcePath(field.getContainingType()));
      path.addAll(List.of(2, field.getIndex()));
    }
    return path;
  }
}
