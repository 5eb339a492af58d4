package dev.switchboard.wit.internal;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.Rules;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * proto3 to Binding. One proto package becomes one WIT package: its messages and enums go to the
 * interface {@code types}, each service becomes an interface of its own. The files given are
 * translated whole; types they reach in other files are translated as well, in the packages those
 * files belong to, which are printed under {@code deps/}.
 */
public final class ProtoTranslation {
  private static final Pattern VERSION_SEGMENT = Pattern.compile("v\\d+(?:[a-z]+\\d*)?");
  private static final String TYPES = "types";
  private static final WitTypeRef STRING = WitTypeRef.primitive("string");
  private static final WitTypeRef BYTES = WitTypeRef.list(WitTypeRef.primitive("u8"));

  private final String version;
  private final ProtoDocs docs = new ProtoDocs();
  private final List<ContractProblem> problems = new ArrayList<>();
  private final List<Binding.Warning> warnings = new ArrayList<>();
  private final Map<String, PackageDraft> packages = new LinkedHashMap<>();
  private final NameScope packageNames = new NameScope("packages");

  /** Full proto name of each translated message or enum to its WIT type. */
  private final Map<String, WitTypeRef> typeRefs = new HashMap<>();

  /** Full field (and oneof) name to file:line, for warnings. */
  private final Map<String, String> fieldLocations = new HashMap<>();

  public ProtoTranslation(String version) {
    this.version = version;
  }

  public Binding translate(List<FileDescriptor> files) throws ContractException {
    if (files.isEmpty()) {
      throw new ContractException("", "no .proto files to translate");
    }
    packageNames.claim(SharedPackage.QUALIFIED, "", "the shared Switchboard types");
    // 1. What to translate: everything declared in the given files, and whatever it reaches.
    Set<GenericDescriptor> wanted = reachable(files);
    // 2. Names first, so that fields can refer to types declared later.
    for (GenericDescriptor d : wanted) {
      PackageDraft pkg = packageFor(d.getFile());
      if (d instanceof Descriptor m) {
        String name = claimType(pkg, typeName(m), "record", "message " + m.getFullName());
        typeRefs.put(m.getFullName(), WitTypeRef.named(pkg.qualified(), TYPES, name));
      } else if (d instanceof EnumDescriptor e) {
        String name = claimType(pkg, typeName(e), "enum", "enum " + e.getFullName());
        typeRefs.put(e.getFullName(), WitTypeRef.named(pkg.qualified(), TYPES, name));
      }
    }
    // 3. Definitions, in declaration order.
    for (GenericDescriptor d : wanted) {
      PackageDraft pkg = packageFor(d.getFile());
      if (d instanceof Descriptor m) {
        translateMessage(pkg, m);
      } else if (d instanceof EnumDescriptor e) {
        pkg.types.add(translateEnum(e));
      }
    }
    for (FileDescriptor file : files) {
      for (ServiceDescriptor s : file.getServices()) {
        translateService(packageFor(file), s);
      }
    }
    if (!problems.isEmpty()) {
      throw new ContractException(problems);
    }
    List<WitPackage> out = new ArrayList<>();
    PackageDraft main = packageFor(files.get(0));
    out.add(main.build());
    for (PackageDraft p : packages.values()) {
      if (p != main) {
        out.add(p.build());
      }
    }
    out.add(SharedPackage.build());
    Binding binding = new Binding(Binding.Source.PROTO, out, warnings);
    Binding broken = new SizeBreaker(new RecursionBreaker(binding).run()).run();
    // The breaker names fields by their full proto name; users want file:line.
    List<Binding.Warning> located = new ArrayList<>();
    for (Binding.Warning w : broken.warnings()) {
      located.add(
          new Binding.Warning(
              fieldLocations.getOrDefault(w.location(), w.location()), w.message()));
    }
    return new Binding(broken.source(), broken.packages(), located);
  }

  // ---- what to translate

  private Set<GenericDescriptor> reachable(List<FileDescriptor> files) {
    Set<GenericDescriptor> seen = new LinkedHashSet<>();
    Deque<GenericDescriptor> work = new ArrayDeque<>();
    for (FileDescriptor f : files) {
      for (Descriptor m : f.getMessageTypes()) {
        addMessageTree(m, work);
      }
      work.addAll(f.getEnumTypes());
      for (ServiceDescriptor s : f.getServices()) {
        for (MethodDescriptor method : s.getMethods()) {
          work.add(method.getInputType());
          work.add(method.getOutputType());
        }
      }
    }
    while (!work.isEmpty()) {
      GenericDescriptor d = work.removeFirst();
      if (d instanceof Descriptor m && (WellKnown.isMapped(m) || m.getOptions().getMapEntry())) {
        if (m.getOptions().getMapEntry()) {
          enqueueField(m.findFieldByNumber(2), work);
        }
        continue;
      }
      if (d instanceof EnumDescriptor e && WellKnown.isMapped(e)) {
        continue;
      }
      if (!seen.add(d)) {
        continue;
      }
      if (d instanceof Descriptor m) {
        for (FieldDescriptor f : m.getFields()) {
          enqueueField(f, work);
        }
      }
    }
    return seen;
  }

  private static void addMessageTree(Descriptor m, Deque<GenericDescriptor> work) {
    if (m.getOptions().getMapEntry()) {
      return;
    }
    work.add(m);
    work.addAll(m.getEnumTypes());
    for (Descriptor nested : m.getNestedTypes()) {
      addMessageTree(nested, work);
    }
  }

  private static void enqueueField(FieldDescriptor f, Deque<GenericDescriptor> work) {
    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      work.add(f.getMessageType());
    } else if (f.getJavaType() == FieldDescriptor.JavaType.ENUM) {
      work.add(f.getEnumType());
    }
  }

  // ---- packages and names

  private PackageDraft packageFor(FileDescriptor file) {
    String protoPackage = file.getPackage();
    PackageDraft existing = packages.get(protoPackage);
    if (existing != null) {
      return existing;
    }
    List<String> segments =
        new ArrayList<>(
            List.of(
                protoPackage.isEmpty()
                    ? new String[] {stripExtension(file.getName())}
                    : protoPackage.split("\\.")));
    String versionSegment = "";
    while (segments.size() > 1
        && VERSION_SEGMENT.matcher(segments.get(segments.size() - 1)).matches()) {
      versionSegment =
          WitNames.join(WitNames.kebab(segments.remove(segments.size() - 1)), versionSegment);
    }
    String namespace = WitNames.kebab(segments.get(0));
    String name =
        segments.size() == 1
            ? namespace
            : WitNames.kebab(String.join("-", segments.subList(1, segments.size())));
    if (WitNames.isKeyword(namespace)) {
      namespace = WitNames.join(namespace, "pkg");
    }
    if (WitNames.isKeyword(name)) {
      name = WitNames.join(name, "api");
    }
    String source =
        "proto package " + (protoPackage.isEmpty() ? "(none) in " + file.getName() : protoPackage);
    String claimed = packageNames.claim(namespace + ":" + name, versionSegment, source);
    if (claimed == null) {
      problems.add(
          new ContractProblem(
              file.getName(),
              "proto package "
                  + protoPackage
                  + " and "
                  + packageNames.ownerOf(namespace + ":" + name)
                  + " both become WIT package "
                  + namespace
                  + ":"
                  + name));
      claimed = packageNames.claimNumbered(namespace + ":" + name, source);
    }
    String[] nsName = claimed.split(":", 2);
    PackageDraft draft = new PackageDraft(nsName[0], nsName[1], protoPackage);
    packages.put(protoPackage, draft);
    return draft;
  }

  private static String stripExtension(String fileName) {
    String base = fileName.substring(fileName.lastIndexOf('/') + 1);
    return base.endsWith(".proto") ? base.substring(0, base.length() - 6) : base;
  }

  private static String typeName(Descriptor m) {
    return m.getContainingType() == null
        ? WitNames.kebab(m.getName())
        : WitNames.join(typeName(m.getContainingType()), WitNames.kebab(m.getName()));
  }

  private static String typeName(EnumDescriptor e) {
    return e.getContainingType() == null
        ? WitNames.kebab(e.getName())
        : WitNames.join(typeName(e.getContainingType()), WitNames.kebab(e.getName()));
  }

  private String claimType(PackageDraft pkg, String name, String suffix, String source) {
    String claimed = pkg.typeScope.claim(name, suffix, source);
    if (claimed == null) {
      problems.add(
          new ContractProblem(
              source,
              source
                  + " and "
                  + pkg.typeScope.ownerOf(name)
                  + " both become WIT type "
                  + name
                  + " in "
                  + pkg.qualified()
                  + "/types"
                  + " (and "
                  + WitNames.join(name, suffix)
                  + " is taken too); rename one of them"));
      return pkg.typeScope.claimNumbered(name, source);
    }
    return claimed;
  }

  // ---- messages

  private void translateMessage(PackageDraft pkg, Descriptor m) {
    WitTypeRef self = typeRef(m.getFullName());
    Origin origin = Origin.of(Origin.Kind.PROTO_MESSAGE, m.getFullName(), m.getName(), null);
    if (isEmpty(m)) {
      // WIT records need a field. An empty message is never printed as a type: where it is used it
      // becomes "no parameter", "result<_, error>", a case without payload, or a presence bool.
      pkg.emptyMessages.add(m.getFullName());
      return;
    }
    if (m.getFields().size() > OpenApiTranslation.MAX_RECORD_FIELDS) {
      // Same fallback as for OpenAPI: a record this wide travels as proto3 JSON text.
      warnings.add(
          new Binding.Warning(
              docs.location(m),
              "message "
                  + m.getFullName()
                  + " has "
                  + m.getFields().size()
                  + " fields, more than "
                  + OpenApiTranslation.MAX_RECORD_FIELDS
                  + "; carried as JSON text"));
      pkg.types.add(
          WitType.alias(
              self.name(), docs.of(m), origin.with("encoding", "json"), SharedPackage.JSON));
      return;
    }
    NameScope fieldScope = new NameScope("fields of " + m.getFullName());
    List<WitField> fields = new ArrayList<>();
    Set<OneofDescriptor> oneofsDone = new LinkedHashSet<>();
    List<FieldDescriptor> byNumber = new ArrayList<>(m.getFields());
    byNumber.sort(Comparator.comparingInt(FieldDescriptor::getNumber));
    for (FieldDescriptor f : byNumber) {
      OneofDescriptor oneof = f.getRealContainingOneof();
      if (oneof != null) {
        if (oneofsDone.add(oneof)) {
          fields.add(oneofField(pkg, m, oneof, fieldScope));
        }
        continue;
      }
      fields.add(field(f, fieldScope));
    }
    // The record goes before its oneof variants, so that when recursion must be cut it is cut
    // inside the variant's case rather than at the record's own field.
    int variants = pkg.pendingVariants.size();
    pkg.types.add(
        new WitType(self.name(), WitType.Kind.RECORD, docs.of(m), origin, fields, null, List.of()));
    pkg.types.addAll(pkg.pendingVariants.subList(0, variants));
    pkg.pendingVariants.clear();
  }

  private WitField field(FieldDescriptor f, NameScope scope) {
    String name = claimField(scope, WitNames.kebab(f.getName()), "field " + f.getFullName());
    Origin origin = Origin.of(Origin.Kind.PROTO_FIELD, f.getFullName(), f.getName(), f.getNumber());
    fieldLocations.put(f.getFullName(), docs.location(f));
    origin = wireFacts(origin, f);
    WitTypeRef type;
    if (f.isMapField()) {
      Descriptor entry = f.getMessageType();
      FieldDescriptor key = entry.findFieldByNumber(1);
      FieldDescriptor value = entry.findFieldByNumber(2);
      ValueType v = singular(value);
      type = WitTypeRef.list(WitTypeRef.tuple(List.of(singular(key).type, v.type)));
      origin = origin.with("map", "true");
      if (v.encoding != null) {
        origin = origin.with("encoding", v.encoding);
      }
    } else {
      ValueType v = singular(f);
      if (f.isRepeated()) {
        type =
            v.encoding != null && v.encoding.equals("presence")
                ? WitTypeRef.primitive("u32")
                : WitTypeRef.list(v.type);
        if (v.encoding != null) {
          origin = origin.with("encoding", v.encoding.equals("presence") ? "count" : v.encoding);
        }
      } else {
        boolean optional =
            (f.hasPresence() && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE)
                || (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && v.encoding == null)
                || "wrapper".equals(v.encoding)
                || "timestamp".equals(v.encoding)
                || "duration".equals(v.encoding)
                || "any".equals(v.encoding)
                || "json".equals(v.encoding);
        type = optional ? WitTypeRef.option(v.type) : v.type;
        if (v.encoding != null) {
          origin = origin.with("encoding", v.encoding);
        }
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && v.encoding == null) {
          origin = origin.with("presence", "message");
        } else if (f.hasPresence() && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
          origin = origin.with("presence", "optional");
        }
      }
    }
    return new WitField(name, type, docs.of(f), origin, Rules.NONE, null);
  }

  /**
   * What a stub needs to put the value on the wire that the WIT type alone does not say: int32,
   * sint32 and sfixed32 are all s32 in WIT but encode differently; the message or enum it names;
   * the JSON name for proto3 JSON.
   */
  private static Origin wireFacts(Origin origin, FieldDescriptor f) {
    Origin o =
        origin
            .with("proto-type", f.getType().name().toLowerCase(java.util.Locale.ROOT))
            .with("json-name", f.getJsonName());
    if (f.isRepeated()) {
      o = o.with("repeated", "true");
    }
    if (f.isMapField()) {
      FieldDescriptor key = f.getMessageType().findFieldByNumber(1);
      FieldDescriptor value = f.getMessageType().findFieldByNumber(2);
      o =
          o.with("map-key-type", key.getType().name().toLowerCase(java.util.Locale.ROOT))
              .with("map-value-type", value.getType().name().toLowerCase(java.util.Locale.ROOT));
      if (value.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        o = o.with("type-name", value.getMessageType().getFullName());
      } else if (value.getJavaType() == FieldDescriptor.JavaType.ENUM) {
        o = o.with("type-name", value.getEnumType().getFullName());
      }
    } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      o = o.with("type-name", f.getMessageType().getFullName());
    } else if (f.getJavaType() == FieldDescriptor.JavaType.ENUM) {
      o = o.with("type-name", f.getEnumType().getFullName());
    }
    return o;
  }

  private WitField oneofField(
      PackageDraft pkg, Descriptor m, OneofDescriptor oneof, NameScope scope) {
    String variantName =
        claimType(
            pkg,
            WitNames.join(typeName(m), WitNames.kebab(oneof.getName())),
            "variant",
            "oneof " + oneof.getFullName());
    NameScope caseScope = new NameScope("cases of " + oneof.getFullName());
    List<WitField> cases = new ArrayList<>();
    List<FieldDescriptor> members = new ArrayList<>(oneof.getFields());
    members.sort(Comparator.comparingInt(FieldDescriptor::getNumber));
    for (FieldDescriptor f : members) {
      String caseName =
          claimField(caseScope, WitNames.kebab(f.getName()), "field " + f.getFullName());
      fieldLocations.put(f.getFullName(), docs.location(f));
      Origin origin =
          wireFacts(
              Origin.of(Origin.Kind.PROTO_FIELD, f.getFullName(), f.getName(), f.getNumber()), f);
      ValueType v = singular(f);
      WitTypeRef payload = v.type;
      if ("presence".equals(v.encoding)) {
        payload = null;
        origin = origin.with("encoding", "empty");
      } else if (v.encoding != null) {
        origin = origin.with("encoding", v.encoding);
      }
      cases.add(new WitField(caseName, payload, docs.of(f), origin, Rules.NONE, null));
    }
    Origin origin = Origin.of(Origin.Kind.PROTO_ONEOF, oneof.getFullName(), oneof.getName(), null);
    pkg.pendingVariants.add(
        new WitType(
            variantName, WitType.Kind.VARIANT, docs.of(oneof), origin, cases, null, List.of()));
    String fieldName =
        claimField(scope, WitNames.kebab(oneof.getName()), "oneof " + oneof.getFullName());
    return new WitField(
        fieldName,
        WitTypeRef.option(WitTypeRef.named(pkg.qualified(), TYPES, variantName)),
        docs.of(oneof),
        origin,
        Rules.NONE,
        null);
  }

  private String claimField(NameScope scope, String name, String source) {
    String claimed = scope.claim(name, "field", source);
    if (claimed == null) {
      problems.add(
          new ContractProblem(
              source,
              source
                  + " and "
                  + scope.ownerOf(name)
                  + " both become WIT name "
                  + name
                  + " in "
                  + scope.description()));
      return scope.claimNumbered(name, source);
    }
    return claimed;
  }

  /** The WIT type of one value of a field, and how it is carried if not as itself. */
  private record ValueType(WitTypeRef type, @Nullable String encoding) {}

  private ValueType singular(FieldDescriptor f) {
    return switch (f.getType()) {
      case DOUBLE -> plain("f64");
      case FLOAT -> plain("f32");
      case INT32, SINT32, SFIXED32 -> plain("s32");
      case INT64, SINT64, SFIXED64 -> plain("s64");
      case UINT32, FIXED32 -> plain("u32");
      case UINT64, FIXED64 -> plain("u64");
      case BOOL -> plain("bool");
      case STRING -> plain("string");
      case BYTES -> new ValueType(BYTES, null);
      case ENUM ->
          WellKnown.isMapped(f.getEnumType())
              ? new ValueType(SharedPackage.JSON, "json")
              : new ValueType(typeRef(f.getEnumType().getFullName()), null);
      case MESSAGE, GROUP -> messageValue(f.getMessageType());
    };
  }

  /** The WIT type named for a message or enum in {@code reachable()} before translation. */
  private WitTypeRef typeRef(String fullName) {
    WitTypeRef ref = typeRefs.get(fullName);
    if (ref == null) {
      throw new IllegalStateException(fullName + " was not named before translation");
    }
    return ref;
  }

  private static ValueType plain(String keyword) {
    return new ValueType(WitTypeRef.primitive(keyword), null);
  }

  /** A message used as a value. Empty messages come back with encoding "presence". */
  private ValueType messageValue(Descriptor m) {
    ValueType known = WellKnown.valueType(m);
    if (known != null) {
      return known;
    }
    if (isEmpty(m)) {
      return new ValueType(WitTypeRef.primitive("bool"), "presence");
    }
    return new ValueType(typeRef(m.getFullName()), null);
  }

  static boolean isEmpty(Descriptor m) {
    return m.getFields().isEmpty() && !WellKnown.isMapped(m);
  }

  /** The protobuf well-known types and what they become. */
  static final class WellKnown {
    private WellKnown() {}

    static boolean isMapped(Descriptor m) {
      return m.getFile().getPackage().equals("google.protobuf") && valueType(m) != null;
    }

    static boolean isMapped(EnumDescriptor e) {
      return e.getFullName().equals("google.protobuf.NullValue");
    }

    static @Nullable ValueType valueType(Descriptor m) {
      return switch (m.getFullName()) {
        case "google.protobuf.Timestamp" -> new ValueType(SharedPackage.TIMESTAMP, "timestamp");
        case "google.protobuf.Duration" -> new ValueType(SharedPackage.DURATION, "duration");
        case "google.protobuf.Any" -> new ValueType(SharedPackage.ANY, "any");
        case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue" ->
            new ValueType(SharedPackage.JSON, "json");
        case "google.protobuf.FieldMask" -> new ValueType(WitTypeRef.list(STRING), "field-mask");
        case "google.protobuf.Empty" -> new ValueType(WitTypeRef.primitive("bool"), "presence");
        case "google.protobuf.DoubleValue" -> new ValueType(WitTypeRef.primitive("f64"), "wrapper");
        case "google.protobuf.FloatValue" -> new ValueType(WitTypeRef.primitive("f32"), "wrapper");
        case "google.protobuf.Int64Value" -> new ValueType(WitTypeRef.primitive("s64"), "wrapper");
        case "google.protobuf.UInt64Value" -> new ValueType(WitTypeRef.primitive("u64"), "wrapper");
        case "google.protobuf.Int32Value" -> new ValueType(WitTypeRef.primitive("s32"), "wrapper");
        case "google.protobuf.UInt32Value" -> new ValueType(WitTypeRef.primitive("u32"), "wrapper");
        case "google.protobuf.BoolValue" -> new ValueType(WitTypeRef.primitive("bool"), "wrapper");
        case "google.protobuf.StringValue" -> new ValueType(STRING, "wrapper");
        case "google.protobuf.BytesValue" -> new ValueType(BYTES, "wrapper");
        default -> null;
      };
    }
  }

  // ---- enums

  private WitType translateEnum(EnumDescriptor e) {
    WitTypeRef self = typeRef(e.getFullName());
    String prefix = commonPrefix(e);
    NameScope scope = new NameScope("cases of " + e.getFullName());
    List<WitField> cases = new ArrayList<>();
    for (EnumValueDescriptor v : e.getValues()) {
      String base = WitNames.kebab(v.getName().substring(prefix.length()));
      String name = claimField(scope, base, "enum value " + v.getFullName());
      Origin origin =
          Origin.of(Origin.Kind.PROTO_ENUM_VALUE, v.getFullName(), v.getName(), v.getNumber());
      cases.add(new WitField(name, null, docs.of(v), origin, Rules.NONE, null));
    }
    Origin origin = Origin.of(Origin.Kind.PROTO_ENUM, e.getFullName(), e.getName(), null);
    return new WitType(self.name(), WitType.Kind.ENUM, docs.of(e), origin, cases, null, List.of());
  }

  /**
   * The style guide prefixes values with the enum's name ({@code COLOR_RED} in {@code Color}); a
   * person writing WIT would say {@code red}. Strip it only if every value has it and keeps a
   * letter first.
   */
  private static String commonPrefix(EnumDescriptor e) {
    String prefix =
        String.join("_", WitNames.words(e.getName())).toUpperCase(java.util.Locale.ROOT) + "_";
    for (EnumValueDescriptor v : e.getValues()) {
      String n = v.getName();
      if (!n.startsWith(prefix)
          || n.length() == prefix.length()
          || !Character.isLetter(n.charAt(prefix.length()))) {
        return "";
      }
    }
    return prefix;
  }

  // ---- services

  private void translateService(PackageDraft pkg, ServiceDescriptor s) {
    String source = "service " + s.getFullName();
    String ifaceName = pkg.interfaceScope.claim(WitNames.kebab(s.getName()), "service", source);
    if (ifaceName == null) {
      problems.add(
          new ContractProblem(
              source,
              source
                  + " and "
                  + pkg.interfaceScope.ownerOf(WitNames.kebab(s.getName()))
                  + " both become WIT interface "
                  + WitNames.kebab(s.getName())));
      return;
    }
    NameScope scope = new NameScope("interface " + ifaceName);
    List<WitType> resources = new ArrayList<>();
    List<WitFunction> functions = new ArrayList<>();
    for (MethodDescriptor m : s.getMethods()) {
      String fnSource = "method " + m.getFullName();
      String fn = scope.claim(WitNames.kebab(m.getName()), "call", fnSource);
      if (fn == null) {
        problems.add(
            new ContractProblem(
                fnSource,
                fnSource
                    + " and "
                    + scope.ownerOf(WitNames.kebab(m.getName()))
                    + " both become WIT function "
                    + WitNames.kebab(m.getName())
                    + " in "
                    + ifaceName));
        continue;
      }
      String shape =
          m.isClientStreaming()
              ? (m.isServerStreaming() ? "bidi-streaming" : "client-streaming")
              : m.isServerStreaming() ? "server-streaming" : "unary";
      Origin origin =
          new Origin(
              Origin.Kind.PROTO_METHOD,
              m.getFullName(),
              m.getName(),
              null,
              Map.of(
                  "shape",
                  shape,
                  "request",
                  m.getInputType().getFullName(),
                  "response",
                  m.getOutputType().getFullName(),
                  "path",
                  "/" + s.getFullName() + "/" + m.getName()));
      ValueType in = messageValue(m.getInputType());
      ValueType out = messageValue(m.getOutputType());
      WitTypeRef inType = "presence".equals(in.encoding) ? null : in.type;
      WitTypeRef outType = "presence".equals(out.encoding) ? null : out.type;
      List<WitField> requestParam =
          inType == null
              ? List.of()
              : List.of(
                  WitField.of(
                      "request",
                      inType,
                      "",
                      Origin.of(Origin.Kind.PROTO_MESSAGE, m.getInputType().getFullName())
                          .with("in", "request")));
      String methodDocs = docs.of(m);
      switch (shape) {
        case "unary" ->
            functions.add(
                new WitFunction(
                    fn,
                    WitFunction.Kind.FREESTANDING,
                    methodDocs,
                    origin,
                    requestParam,
                    outType,
                    SharedPackage.ERROR,
                    List.of()));
        case "server-streaming" -> {
          String res = claimResource(scope, fn, "stream", fnSource);
          WitTypeRef resRef = WitTypeRef.named(pkg.qualified(), ifaceName, res);
          resources.add(
              resource(
                  res,
                  "The responses of `"
                      + fn
                      + "`, read one at a time. Dropping it cancels the call.",
                  origin,
                  List.of(receive(outType, origin))));
          functions.add(
              new WitFunction(
                  fn,
                  WitFunction.Kind.FREESTANDING,
                  methodDocs,
                  origin,
                  requestParam,
                  WitTypeRef.own(resRef),
                  SharedPackage.ERROR,
                  List.of()));
        }
        case "client-streaming" -> {
          String res = claimResource(scope, fn, "call", fnSource);
          WitTypeRef resRef = WitTypeRef.named(pkg.qualified(), ifaceName, res);
          resources.add(
              resource(
                  res,
                  "An open `"
                      + fn
                      + "` call: send requests, then finish to get the response."
                      + " Dropping it cancels the call.",
                  origin,
                  List.of(
                      send(inType, origin),
                      new WitFunction(
                          "finish",
                          WitFunction.Kind.METHOD,
                          "Half-closes the call and waits for the single response.",
                          origin,
                          List.of(),
                          outType,
                          SharedPackage.ERROR,
                          List.of()))));
          functions.add(
              new WitFunction(
                  fn,
                  WitFunction.Kind.FREESTANDING,
                  methodDocs,
                  origin,
                  List.of(),
                  WitTypeRef.own(resRef),
                  SharedPackage.ERROR,
                  List.of()));
        }
        default -> {
          String res = claimResource(scope, fn, "stream", fnSource);
          WitTypeRef resRef = WitTypeRef.named(pkg.qualified(), ifaceName, res);
          resources.add(
              resource(
                  res,
                  "An open `"
                      + fn
                      + "` call: send and receive independently."
                      + " Dropping it cancels the call.",
                  origin,
                  List.of(
                      send(inType, origin),
                      receive(outType, origin),
                      new WitFunction(
                          "finish",
                          WitFunction.Kind.METHOD,
                          "Half-closes the sending side; responses can still be received.",
                          origin,
                          List.of(),
                          null,
                          SharedPackage.ERROR,
                          List.of()))));
          functions.add(
              new WitFunction(
                  fn,
                  WitFunction.Kind.FREESTANDING,
                  methodDocs,
                  origin,
                  List.of(),
                  WitTypeRef.own(resRef),
                  SharedPackage.ERROR,
                  List.of()));
        }
      }
    }
    Origin origin = Origin.of(Origin.Kind.PROTO_SERVICE, s.getFullName(), s.getName(), null);
    pkg.services.add(new WitInterface(ifaceName, docs.of(s), origin, resources, functions));
  }

  private String claimResource(NameScope scope, String fn, String word, String source) {
    // watch -> watch-stream; but dummy-server-stream -> dummy-server-stream-call, not
    // ...-stream-stream.
    String name =
        word.equals("stream") && (fn.equals("stream") || fn.endsWith("-stream"))
            ? WitNames.join(fn, "call")
            : WitNames.join(fn, word);
    return scope.claimNumbered(name, source);
  }

  private static WitType resource(
      String name, String docs, Origin origin, List<WitFunction> methods) {
    return new WitType(name, WitType.Kind.RESOURCE, docs, origin, List.of(), null, methods);
  }

  private static WitFunction receive(@Nullable WitTypeRef outType, Origin origin) {
    WitTypeRef ok = outType == null ? WitTypeRef.primitive("bool") : WitTypeRef.option(outType);
    String docs =
        outType == null
            ? "Waits for the next (empty) response: true if one arrived, false once the stream has ended."
            : "Waits for the next response; none once the stream has ended.";
    return new WitFunction(
        "receive",
        WitFunction.Kind.METHOD,
        docs,
        origin.with("encoding", outType == null ? "presence" : "message"),
        List.of(),
        ok,
        SharedPackage.ERROR,
        List.of());
  }

  private static WitFunction send(@Nullable WitTypeRef inType, Origin origin) {
    List<WitField> params =
        inType == null
            ? List.of()
            : List.of(WitField.of("message", inType, "", origin.with("in", "request")));
    return new WitFunction(
        "send",
        WitFunction.Kind.METHOD,
        "Sends one request message.",
        origin,
        params,
        null,
        SharedPackage.ERROR,
        List.of());
  }

  /** A WIT package under construction. */
  private final class PackageDraft {
    final String namespace;
    final String name;
    final String protoPackage;
    final NameScope interfaceScope = new NameScope("interfaces");
    final NameScope typeScope = new NameScope("types");
    final List<WitType> types = new ArrayList<>();
    final List<WitType> pendingVariants = new ArrayList<>();
    final List<WitInterface> services = new ArrayList<>();
    final Set<String> emptyMessages = new LinkedHashSet<>();

    PackageDraft(String namespace, String name, String protoPackage) {
      this.namespace = namespace;
      this.name = name;
      this.protoPackage = protoPackage;
      interfaceScope.claim(TYPES, "", "the types interface");
    }

    String qualified() {
      return namespace + ":" + name;
    }

    WitPackage build() {
      List<WitInterface> interfaces = new ArrayList<>();
      Origin origin = Origin.of(Origin.Kind.PROTO_PACKAGE, protoPackage);
      if (!types.isEmpty()) {
        interfaces.add(
            new WitInterface(
                TYPES, "Messages and enums of `" + protoPackage + "`.", origin, types, List.of()));
      }
      interfaces.addAll(services);
      String world =
          interfaces.isEmpty()
              ? ""
              : name.equals("api") || name.endsWith("-api") ? name : WitNames.join(name, "api");
      return new WitPackage(namespace, name, version, "", origin, interfaces, world);
    }
  }
}
