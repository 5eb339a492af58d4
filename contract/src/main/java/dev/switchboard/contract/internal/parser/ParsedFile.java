package dev.switchboard.contract.internal.parser;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.InvalidProtocolBufferException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the parser learnt about one file: the descriptor as protoc's parser would leave it (type
 * names as written, options not yet interpreted) plus the source locations and raw values the
 * linker needs. The builders here are live children of {@link #proto}.
 */
final class ParsedFile {
  final String name;
  final FileDescriptorProto.Builder proto = FileDescriptorProto.newBuilder();
  boolean proto3;
  SourceLocation packageLocation;
  final List<Import> imports = new ArrayList<>();
  final List<MessageNode> messages = new ArrayList<>();
  final List<FieldNode> fields = new ArrayList<>();
  final List<EnumNode> enums = new ArrayList<>();
  final List<ServiceNode> services = new ArrayList<>();
  final List<MethodNode> methods = new ArrayList<>();
  final List<OptionSite> optionSites = new ArrayList<>();

  /**
   * The declarations' source locations, in the order protoc creates them (by where they start).
   * They stay builders until the option interpreter has turned each option statement's path into
   * the path of the option it sets.
   */
  final List<SourceCodeInfo.Location.Builder> locations = new ArrayList<>();

  ParsedFile(String name) {
    this.name = name;
    this.proto.setName(name);
    this.packageLocation = new SourceLocation(name, 1, 1);
  }

  String packageName() {
    return proto.getPackage();
  }

  /** Puts the collected locations into {@link #proto}; a file parsed without them gets none. */
  void attachSourceInfo() {
    if (locations.isEmpty()) {
      return;
    }
    SourceCodeInfo.Builder info = proto.getSourceCodeInfoBuilder();
    for (SourceCodeInfo.Location.Builder location : locations) {
      info.addLocation(location);
    }
  }

  record Import(String name, SourceLocation location, boolean isPublic, boolean isWeak) {}

  /** A range from {@code reserved} or {@code extensions}, with {@code end} exclusive. */
  record Range(int start, int end, SourceLocation location) {}

  static final class MessageNode {
    final DescriptorProto.Builder proto;
    final String fullName;
    final SourceLocation location;
    final List<Range> reservedRanges = new ArrayList<>();
    final List<Range> extensionRanges = new ArrayList<>();
    final List<SourceLocation> reservedNameLocations = new ArrayList<>();
    boolean mapEntry;

    MessageNode(DescriptorProto.Builder proto, String fullName, SourceLocation location) {
      this.proto = proto;
      this.fullName = fullName;
      this.location = location;
    }
  }

  static final class FieldNode {
    final FieldDescriptorProto.Builder proto;

    /** The message that declares the field, or the package for a file-level extension. */
    final String scope;

    final @Nullable MessageNode owner;
    final SourceLocation nameLocation;
    SourceLocation typeLocation;
    SourceLocation numberLocation;
    @Nullable SourceLocation extendeeLocation;
    @Nullable OptionValue defaultValue;
    @Nullable SourceLocation jsonNameLocation;
    @Nullable Boolean explicitPacked;
    boolean isExtension;
    boolean inMapEntry;

    FieldNode(
        FieldDescriptorProto.Builder proto,
        String scope,
        @Nullable MessageNode owner,
        SourceLocation nameLocation) {
      this.proto = proto;
      this.scope = scope;
      this.owner = owner;
      this.nameLocation = nameLocation;
      this.typeLocation = nameLocation;
      this.numberLocation = nameLocation;
    }

    String fullName() {
      return scope.isEmpty() ? proto.getName() : scope + "." + proto.getName();
    }
  }

  static final class EnumNode {
    final EnumDescriptorProto.Builder proto;
    final String fullName;
    final SourceLocation location;
    final List<SourceLocation> valueLocations = new ArrayList<>();
    final List<Range> reservedRanges = new ArrayList<>();

    EnumNode(EnumDescriptorProto.Builder proto, String fullName, SourceLocation location) {
      this.proto = proto;
      this.fullName = fullName;
      this.location = location;
    }
  }

  record ServiceNode(String fullName, SourceLocation location) {}

  record MethodNode(
      MethodDescriptorProto.Builder proto,
      String fullName,
      SourceLocation location,
      SourceLocation inputLocation,
      SourceLocation outputLocation) {}

  /** Receives the encoded options message of one element. */
  interface OptionsSink {
    void accept(ByteString encoded) throws InvalidProtocolBufferException;
  }

  /**
   * The options written on one element.
   *
   * @param optionsType full name of the options message, such as {@code
   *     google.protobuf.FieldOptions}
   * @param relativeTo the name protoc resolves option names against (the element's full name; for a
   *     file, the package plus a placeholder component)
   * @param alwaysSet protoc emits an empty options message for an rpc with a {@code {}} body
   */
  record OptionSite(
      String optionsType,
      String relativeTo,
      List<ParsedOption> options,
      OptionsSink sink,
      boolean alwaysSet) {}

  record NamePart(String name, boolean isExtension, SourceLocation location) {}

  /**
   * One option as written.
   *
   * @param sourceInfo the location of an {@code option} statement, if source info is kept; its path
   *     is the options field's path until the option interpreter appends the option's own field
   *     numbers, as protoc does
   */
  record ParsedOption(
      List<NamePart> name,
      OptionValue value,
      SourceLocation location,
      SourceCodeInfo.Location.@Nullable Builder sourceInfo) {
    String displayName() {
      StringBuilder out = new StringBuilder();
      for (NamePart part : name) {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(part.isExtension() ? "(" + part.name() + ")" : part.name());
      }
      return out.toString();
    }
  }

  /** An option or default value as written. */
  record OptionValue(
      Kind kind,
      String text,
      @Nullable BigInteger integer,
      double number,
      @Nullable ByteString string,
      @Nullable List<Token> aggregate,
      SourceLocation location) {
    enum Kind {
      IDENTIFIER,
      INTEGER,
      FLOAT,
      STRING,
      AGGREGATE
    }
  }
}
