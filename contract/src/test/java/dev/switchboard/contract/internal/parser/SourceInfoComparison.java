package dev.switchboard.contract.internal.parser;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import com.google.protobuf.TextFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares our {@code source_code_info} with protoc's. protoc records a location for nearly every
 * token; we record one per declaration. So the rules are:
 *
 * <ol>
 *   <li>every location we emit is one of protoc's, equal in path, span and all three kinds of
 *       comments, and ours come in protoc's order (ours are a subsequence of protoc's);
 *   <li>every protoc location that has a comment of any kind is among ours;
 *   <li>every protoc location of a declaration (message, field, extension, oneof, enum, enum value,
 *       service, method) is among ours, commented or not.
 * </ol>
 */
final class SourceInfoComparison {
  private SourceInfoComparison() {}

  /** What one comparison covered. */
  record Result(int ours, int commented, int declarations) {}

  /** Returns what matched, or throws an AssertionError naming the first difference. */
  static Result check(
      String file, FileDescriptorProto descriptor, SourceCodeInfo protoc, SourceCodeInfo ours) {
    List<Location> expected = protoc.getLocationList();
    List<Location> actual = ours.getLocationList();
    int next = 0;
    for (Location location : actual) {
      int found = -1;
      for (int i = next; i < expected.size(); i++) {
        if (expected.get(i).equals(location)) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        throw new AssertionError(
            file
                + ": our location is not protoc's (or not in protoc's order):\n"
                + show(location)
                + "protoc's locations with that path:\n"
                + withPath(expected, location.getPathList()));
      }
      next = found + 1;
    }
    Set<Location> ourSet = new HashSet<>(actual);
    Set<List<Integer>> declarations = declarationPaths(descriptor);
    int commented = 0;
    int declared = 0;
    for (Location location : expected) {
      boolean hasComments =
          location.hasLeadingComments()
              || location.hasTrailingComments()
              || location.getLeadingDetachedCommentsCount() > 0;
      boolean isDeclaration = declarations.contains(location.getPathList());
      if (!hasComments && !isDeclaration) {
        continue;
      }
      if (!ourSet.contains(location)) {
        throw new AssertionError(
            file
                + ": protoc's location is missing from ours:\n"
                + show(location)
                + "our locations with that path:\n"
                + withPath(actual, location.getPathList()));
      }
      commented += hasComments ? 1 : 0;
      declared += isDeclaration ? 1 : 0;
    }
    return new Result(actual.size(), commented, declared);
  }

  private static String show(Location location) {
    return TextFormat.printer().printToString(location).indent(4);
  }

  private static String withPath(List<Location> locations, List<Integer> path) {
    StringBuilder out = new StringBuilder();
    for (Location l : locations) {
      if (l.getPathList().equals(path)) {
        out.append(show(l));
      }
    }
    return out.length() == 0 ? "    (none)\n" : out.toString();
  }

  /** The paths of the file's declarations, by walking the descriptor (synthetic ones too). */
  private static Set<List<Integer>> declarationPaths(FileDescriptorProto file) {
    Set<List<Integer>> out = new HashSet<>();
    for (int i = 0; i < file.getMessageTypeCount(); i++) {
      message(
          file.getMessageType(i), List.of(FileDescriptorProto.MESSAGE_TYPE_FIELD_NUMBER, i), out);
    }
    for (int i = 0; i < file.getEnumTypeCount(); i++) {
      enumType(file.getEnumType(i), List.of(FileDescriptorProto.ENUM_TYPE_FIELD_NUMBER, i), out);
    }
    for (int i = 0; i < file.getExtensionCount(); i++) {
      out.add(List.of(FileDescriptorProto.EXTENSION_FIELD_NUMBER, i));
    }
    for (int i = 0; i < file.getServiceCount(); i++) {
      List<Integer> service = List.of(FileDescriptorProto.SERVICE_FIELD_NUMBER, i);
      out.add(service);
      ServiceDescriptorProto s = file.getService(i);
      for (int j = 0; j < s.getMethodCount(); j++) {
        out.add(append(service, ServiceDescriptorProto.METHOD_FIELD_NUMBER, j));
      }
    }
    return out;
  }

  private static void message(DescriptorProto message, List<Integer> path, Set<List<Integer>> out) {
    out.add(path);
    for (int i = 0; i < message.getFieldCount(); i++) {
      out.add(append(path, DescriptorProto.FIELD_FIELD_NUMBER, i));
    }
    for (int i = 0; i < message.getExtensionCount(); i++) {
      out.add(append(path, DescriptorProto.EXTENSION_FIELD_NUMBER, i));
    }
    for (int i = 0; i < message.getOneofDeclCount(); i++) {
      out.add(append(path, DescriptorProto.ONEOF_DECL_FIELD_NUMBER, i));
    }
    for (int i = 0; i < message.getNestedTypeCount(); i++) {
      message(
          message.getNestedType(i), append(path, DescriptorProto.NESTED_TYPE_FIELD_NUMBER, i), out);
    }
    for (int i = 0; i < message.getEnumTypeCount(); i++) {
      enumType(
          message.getEnumType(i), append(path, DescriptorProto.ENUM_TYPE_FIELD_NUMBER, i), out);
    }
  }

  private static void enumType(
      EnumDescriptorProto enumType, List<Integer> path, Set<List<Integer>> out) {
    out.add(path);
    for (int i = 0; i < enumType.getValueCount(); i++) {
      out.add(append(path, EnumDescriptorProto.VALUE_FIELD_NUMBER, i));
    }
  }

  private static List<Integer> append(List<Integer> path, int field, int index) {
    List<Integer> out = new ArrayList<>(path);
    out.add(field);
    out.add(index);
    return List.copyOf(out);
  }
}
