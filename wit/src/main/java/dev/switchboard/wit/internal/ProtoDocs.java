package dev.switchboard.wit.internal;

import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The comments of a .proto file, looked up by element. protoc and our loader keep them in
 * SourceCodeInfo, keyed by the element's path of field numbers in FileDescriptorProto.
 */
final class ProtoDocs {
  // Field numbers in descriptor.proto.
  private static final int FILE_MESSAGE = 4;
  private static final int FILE_ENUM = 5;
  private static final int FILE_SERVICE = 6;
  private static final int MESSAGE_FIELD = 2;
  private static final int MESSAGE_NESTED = 3;
  private static final int MESSAGE_ENUM = 4;
  private static final int MESSAGE_ONEOF = 8;
  private static final int ENUM_VALUE = 2;
  private static final int SERVICE_METHOD = 2;

  private final Map<FileDescriptor, Map<List<Integer>, SourceCodeInfo.Location>> byFile =
      new HashMap<>();

  String of(Descriptor message) {
    return text(message.getFile(), path(message));
  }

  String of(EnumDescriptor e) {
    return text(e.getFile(), path(e));
  }

  String of(FieldDescriptor f) {
    List<Integer> p = path(f.getContainingType());
    p.add(MESSAGE_FIELD);
    p.add(f.getIndex());
    return text(f.getFile(), p);
  }

  String of(OneofDescriptor o) {
    List<Integer> p = path(o.getContainingType());
    p.add(MESSAGE_ONEOF);
    p.add(o.getIndex());
    return text(o.getFile(), p);
  }

  String of(EnumValueDescriptor v) {
    List<Integer> p = path(v.getType());
    p.add(ENUM_VALUE);
    p.add(v.getIndex());
    return text(v.getFile(), p);
  }

  String of(ServiceDescriptor s) {
    return text(s.getFile(), new ArrayList<>(List.of(FILE_SERVICE, s.getIndex())));
  }

  String of(MethodDescriptor m) {
    return text(
        m.getFile(),
        new ArrayList<>(
            List.of(FILE_SERVICE, m.getService().getIndex(), SERVICE_METHOD, m.getIndex())));
  }

  /**
   * {@code file:line} of an element, for warnings; just the file name when there is no source info.
   */
  String location(FileDescriptor file, List<Integer> path) {
    SourceCodeInfo.Location loc = locations(file).get(path);
    if (loc == null || loc.getSpanCount() == 0) {
      return file.getName();
    }
    return file.getName() + ":" + (loc.getSpan(0) + 1);
  }

  String location(Descriptor message) {
    return location(message.getFile(), path(message));
  }

  String location(FieldDescriptor f) {
    List<Integer> p = path(f.getContainingType());
    p.add(MESSAGE_FIELD);
    p.add(f.getIndex());
    return location(f.getFile(), p);
  }

  private static List<Integer> path(Descriptor message) {
    if (message.getContainingType() == null) {
      return new ArrayList<>(List.of(FILE_MESSAGE, message.getIndex()));
    }
    List<Integer> p = path(message.getContainingType());
    p.add(MESSAGE_NESTED);
    p.add(message.getIndex());
    return p;
  }

  private static List<Integer> path(EnumDescriptor e) {
    if (e.getContainingType() == null) {
      return new ArrayList<>(List.of(FILE_ENUM, e.getIndex()));
    }
    List<Integer> p = path(e.getContainingType());
    p.add(MESSAGE_ENUM);
    p.add(e.getIndex());
    return p;
  }

  private String text(FileDescriptor file, List<Integer> path) {
    SourceCodeInfo.Location loc = locations(file).get(path);
    if (loc == null) {
      return "";
    }
    String leading = loc.getLeadingComments();
    String text = leading.isBlank() ? loc.getTrailingComments() : leading;
    return unindent(text);
  }

  private Map<List<Integer>, SourceCodeInfo.Location> locations(FileDescriptor file) {
    return byFile.computeIfAbsent(
        file,
        f -> {
          Map<List<Integer>, SourceCodeInfo.Location> map = new HashMap<>();
          for (SourceCodeInfo.Location loc : f.toProto().getSourceCodeInfo().getLocationList()) {
            map.putIfAbsent(loc.getPathList(), loc);
          }
          return map;
        });
  }

  /** protoc keeps the space after {@code //}; drop one common leading space per line. */
  private static String unindent(String text) {
    String[] lines = text.split("\n", -1);
    StringBuilder b = new StringBuilder();
    for (String line : lines) {
      b.append(line.startsWith(" ") ? line.substring(1) : line).append('\n');
    }
    return b.toString().strip();
  }
}
