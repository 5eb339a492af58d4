package dev.switchboard.contract;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code google/protobuf/*.proto} files compiled into protobuf-java. Descriptor sets and
 * reflection answers sometimes leave them out, because every protobuf runtime has them.
 */
final class WellKnownTypes {
  private WellKnownTypes() {}

  static List<FileDescriptor> all() {
    return List.of(
        AnyProto.getDescriptor(),
        ApiProto.getDescriptor(),
        DescriptorProtos.getDescriptor(),
        DurationProto.getDescriptor(),
        EmptyProto.getDescriptor(),
        FieldMaskProto.getDescriptor(),
        SourceContextProto.getDescriptor(),
        StructProto.getDescriptor(),
        TimestampProto.getDescriptor(),
        TypeProto.getDescriptor(),
        WrappersProto.getDescriptor());
  }

  static @Nullable FileDescriptor file(String name) {
    if (!name.startsWith("google/protobuf/")) {
      return null;
    }
    for (FileDescriptor file : all()) {
      if (file.getName().equals(name)) {
        return file;
      }
    }
    return null;
  }
}
