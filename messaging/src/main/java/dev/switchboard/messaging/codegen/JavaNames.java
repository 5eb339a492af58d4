package dev.switchboard.messaging.codegen;

import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

/**
 * The Java names protoc's own Java generator gives a file's classes: the package ({@code
 * java_package}, else the proto package), the outer class ({@code java_outer_classname}, else the
 * file name in camel case, with {@code OuterClass} appended when a top-level type has that name)
 * and each message's class (top level with {@code java_multiple_files}, else nested in the outer
 * class).
 */
final class JavaNames {
  private JavaNames() {}

  static String javaPackage(FileDescriptor file) {
    FileOptions options = file.getOptions();
    return options.hasJavaPackage() ? options.getJavaPackage() : file.getPackage();
  }

  static String outerClass(FileDescriptor file) {
    if (file.getOptions().hasJavaOuterClassname()) {
      return file.getOptions().getJavaOuterClassname();
    }
    String name = file.getName();
    name = name.substring(name.lastIndexOf('/') + 1);
    if (name.endsWith(".proto")) {
      name = name.substring(0, name.length() - ".proto".length());
    }
    String camel = camel(name);
    for (Descriptor message : file.getMessageTypes()) {
      if (message.getName().equals(camel)) {
        return camel + "OuterClass";
      }
    }
    for (EnumDescriptor e : file.getEnumTypes()) {
      if (e.getName().equals(camel)) {
        return camel + "OuterClass";
      }
    }
    for (ServiceDescriptor service : file.getServices()) {
      if (service.getName().equals(camel)) {
        return camel + "OuterClass";
      }
    }
    return camel;
  }

  /** {@code my_file-name.v2} → {@code MyFileNameV2}, as protoc does. */
  static String camel(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isLetter(c)) {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      } else if (Character.isDigit(c)) {
        out.append(c);
        upper = true;
      } else {
        upper = true;
      }
    }
    return out.toString();
  }

  /** The fully qualified Java class of a message. */
  static String messageClass(Descriptor message) {
    StringBuilder nested = new StringBuilder(message.getName());
    Descriptor containing = message.getContainingType();
    while (containing != null) {
      nested.insert(0, containing.getName() + ".");
      containing = containing.getContainingType();
    }
    FileDescriptor file = message.getFile();
    String pkg = javaPackage(file);
    String prefix = pkg.isEmpty() ? "" : pkg + ".";
    if (file.getOptions().getJavaMultipleFiles()) {
      return prefix + nested;
    }
    return prefix + outerClass(file) + "." + nested;
  }

  /** The Java class holding the file's descriptor ({@code getDescriptor()}). */
  static String outerClassName(FileDescriptor file) {
    String pkg = javaPackage(file);
    return (pkg.isEmpty() ? "" : pkg + ".") + outerClass(file);
  }

  /** {@code QuoteOrder} → {@code quoteOrder}, avoiding Java keywords. */
  static String lowerCamel(String name) {
    String lower = Character.toLowerCase(name.charAt(0)) + name.substring(1);
    return javax.lang.model.SourceVersion.isKeyword(lower) ? lower + "_" : lower;
  }
}
