package dev.switchboard.wit.internal;

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
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * OpenAPI 3.0 to Binding. {@code components.schemas} become the interface {@code types}; each path
 * becomes an interface named after its static segments, a collection ({@code list}, {@code create})
 * or, when it ends in a parameter, a resource ({@code get}, {@code update}, {@code delete}).
 */
public final class OpenApiTranslation {
  private static final String TYPES = "types";
  private static final String SCHEMA_PREFIX = "#/components/schemas/";
  private static final WitTypeRef STRING = WitTypeRef.primitive("string");
  private static final BigDecimal U32_MAX = new BigDecimal("4294967295");
  private static final BigDecimal S32_MIN = new BigDecimal(Integer.MIN_VALUE);
  private static final BigDecimal S32_MAX = new BigDecimal(Integer.MAX_VALUE);

  /** The component model's limits: flags hold at most 32 names; very wide records we cap. */
  static final int MAX_FLAGS = 32;

  static final int MAX_RECORD_FIELDS = 10_000;

  /** Reading order within an interface: read, create, change, remove, then the rest. */
  private static final List<PathItem.HttpMethod> METHOD_ORDER =
      List.of(
          PathItem.HttpMethod.GET,
          PathItem.HttpMethod.POST,
          PathItem.HttpMethod.PUT,
          PathItem.HttpMethod.PATCH,
          PathItem.HttpMethod.DELETE,
          PathItem.HttpMethod.HEAD,
          PathItem.HttpMethod.OPTIONS,
          PathItem.HttpMethod.TRACE);

  private static final Set<String> GENERIC_TITLE_WORDS =
      Set.of(
          "api",
          "apis",
          "rest",
          "restful",
          "openapi",
          "the",
          "official",
          "spec",
          "specification",
          "extension",
          "swagger",
          "a",
          "an",
          "for",
          "of",
          "and");

  private final OpenAPI api;
  private final String location;
  private final Consumer<String> progress;
  private final List<ContractProblem> problems = new ArrayList<>();
  private final List<Binding.Warning> warnings = new ArrayList<>();
  private String pkgName = "";
  private final Map<String, Draft> interfaces = new LinkedHashMap<>();
  private final NameScope interfaceScope = new NameScope("interfaces");
  private final Map<String, String> schemaNames = new HashMap<>();
  private final IdentityHashMap<Schema<?>, WitTypeRef> inlineMemo = new IdentityHashMap<>();

  /** Every defined type by interface|name, for flattening. */
  private final Map<String, WitType> defined = new HashMap<>();

  /**
   * kebab() results: GitHub's document repeats the same few thousand names tens of thousands of
   * times.
   */
  private final Map<String, String> kebabs = new HashMap<>();

  private String kebab(String raw) {
    String k = kebabs.get(raw);
    if (k == null) {
      k = WitNames.kebab(raw);
      kebabs.put(raw, k);
    }
    return k;
  }

  public OpenApiTranslation(OpenAPI api, String location, Consumer<String> progress) {
    this.api = api;
    this.location = location;
    this.progress = progress;
  }

  public Binding translate() throws ContractException {
    String title =
        api.getInfo() == null || api.getInfo().getTitle() == null
            ? "api"
            : api.getInfo().getTitle();
    String rawVersion =
        api.getInfo() == null || api.getInfo().getVersion() == null
            ? ""
            : api.getInfo().getVersion();
    String version = semver(rawVersion);
    // "GitHub's official OpenAPI spec + Octokit extension" -> git-hub-octokit: drop possessives and
    // words every API title has, keep the first three that say which API it is.
    List<String> words =
        new ArrayList<>(WitNames.words(title.replaceAll("(?i)'s\\b|open ?api|swagger", "")));
    words.removeIf(w -> GENERIC_TITLE_WORDS.contains(w));
    if (words.size() > 3) {
      words = new ArrayList<>(words.subList(0, 3));
    }
    String name = words.isEmpty() ? "service" : WitNames.shorten(String.join("-", words));
    if (WitNames.isKeyword(name)) {
      name = WitNames.join(name, "api");
    }
    pkgName = "api:" + name;
    interfaceScope.claim(TYPES, "", "components.schemas");
    Draft types =
        new Draft(
            TYPES,
            "Schemas of " + title + ".",
            Origin.of(Origin.Kind.OPENAPI_DOCUMENT, "/components/schemas"));
    interfaces.put(TYPES, types);

    Components components = api.getComponents();
    Map<String, Schema<?>> schemas = new LinkedHashMap<>();
    if (components != null && components.getSchemas() != null) {
      components.getSchemas().forEach(schemas::put);
    }
    for (String key : schemas.keySet()) {
      String claimed = types.scope.claim(kebab(key), "record", "schema " + key);
      if (claimed == null) {
        problems.add(
            new ContractProblem(
                "#/components/schemas/" + key,
                "schemas "
                    + key
                    + " and "
                    + types.scope.ownerOf(kebab(key))
                    + " both become WIT type "
                    + kebab(key)));
        claimed = types.scope.claimNumbered(kebab(key), "schema " + key);
      }
      schemaNames.put(key, claimed);
    }
    for (Map.Entry<String, Schema<?>> e : schemas.entrySet()) {
      String pointer = "/components/schemas/" + escapePointer(e.getKey());
      defineNamed(types, schemaName(e.getKey()), e.getValue(), pointer, e.getKey());
    }

    int count = 0;
    int total = 0;
    if (api.getPaths() != null) {
      for (PathItem item : api.getPaths().values()) {
        total += item.readOperationsMap().size();
      }
      for (Map.Entry<String, PathItem> e : api.getPaths().entrySet()) {
        Map<PathItem.HttpMethod, Operation> ops = e.getValue().readOperationsMap();
        for (PathItem.HttpMethod method : METHOD_ORDER) {
          Operation op = ops.get(method);
          if (op == null) {
            continue;
          }
          translateOperation(e.getKey(), e.getValue(), method, op);
          count++;
          if (count % 200 == 0) {
            progress.accept("translated " + count + " of " + total + " operations");
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ContractException(problems);
    }
    List<WitInterface> built = new ArrayList<>();
    for (Draft d : interfaces.values()) {
      if (!d.types.isEmpty() || !d.functions.isEmpty()) {
        built.add(new WitInterface(d.name, d.docs, d.origin, d.types, d.functions));
      }
    }
    // The servers are where a stub sends the calls (space-separated URLs, in document order).
    Origin pkgOrigin =
        new Origin(
            Origin.Kind.OPENAPI_DOCUMENT,
            location,
            title,
            null,
            Map.of(
                "info.version",
                rawVersion,
                "servers",
                servers(),
                "server-variables",
                serverVariables()));
    String docs =
        api.getInfo() == null || api.getInfo().getDescription() == null
            ? ""
            : api.getInfo().getDescription();
    WitPackage main =
        new WitPackage(
            "api",
            name,
            version,
            docs,
            pkgOrigin,
            built,
            built.isEmpty() ? "" : name.endsWith("-api") ? name : WitNames.join(name, "api"));
    Binding binding =
        new Binding(Binding.Source.OPENAPI, List.of(main, SharedPackage.build()), warnings);
    Binding broken = new SizeBreaker(new RecursionBreaker(binding).run()).run();
    // Warnings carry JSON pointers; make them document-qualified like the errors.
    List<Binding.Warning> located = new ArrayList<>();
    for (Binding.Warning w : broken.warnings()) {
      located.add(
          w.location().startsWith("/")
              ? new Binding.Warning(location + "#" + w.location(), w.message())
              : w);
    }
    return new Binding(broken.source(), broken.packages(), located);
  }

  private String servers() {
    List<String> urls = new ArrayList<>();
    if (api.getServers() != null) {
      api.getServers().forEach(s -> urls.add(s.getUrl()));
    }
    return String.join(" ", urls);
  }

  /** The default of every server variable, {@code name=value} separated by spaces. */
  private String serverVariables() {
    Map<String, String> defaults = new TreeMap<>();
    if (api.getServers() != null) {
      for (io.swagger.v3.oas.models.servers.Server s : api.getServers()) {
        if (s.getVariables() != null) {
          s.getVariables()
              .forEach(
                  (k, v) -> {
                    if (v.getDefault() != null) {
                      defaults.putIfAbsent(k, v.getDefault());
                    }
                  });
        }
      }
    }
    List<String> out = new ArrayList<>();
    defaults.forEach((k, v) -> out.add(k + "=" + v));
    return String.join(" ", out);
  }

  private String semver(String raw) {
    if (raw.matches("\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?")) {
      return raw;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?").matcher(raw);
    String v =
        m.find()
            ? m.group(1)
                + "."
                + (m.group(2) == null ? "0" : m.group(2))
                + "."
                + (m.group(3) == null ? "0" : m.group(3))
            : "0.0.0";
    v = v.replaceAll("(^|\\.)0+(\\d)", "$1$2");
    warnings.add(
        new Binding.Warning(
            "/info/version", "info.version '" + raw + "' is not semver; the package uses " + v));
    return v;
  }

  // ---- schemas

  private void defineNamed(
      Draft iface, String name, Schema<?> schema, String pointer, String schemaName) {
    Origin origin = new Origin(Origin.Kind.OPENAPI_SCHEMA, pointer, schemaName, null, Map.of());
    String docs = docsOf(schema);
    if (schema.get$ref() != null) {
      addType(iface, WitType.alias(name, docs, origin, typeOf(schema, name, iface, pointer)));
      return;
    }
    WitType t = shape(iface, name, schema, pointer, objectRules(origin, schema), docs);
    addType(iface, t);
  }

  private void addType(Draft iface, WitType t) {
    iface.types.add(t);
    defined.put(iface.name + "|" + t.name(), t);
  }

  /** The definition for a schema that gets a name of its own. */
  private WitType shape(
      Draft iface, String name, Schema<?> schema, String pointer, Origin origin, String docs) {
    String type = typeName(schema);
    if (schema.getAllOf() != null && !schema.getAllOf().isEmpty()) {
      Merged merged = merge(schema, pointer, new LinkedHashSet<>());
      if (merged.properties.isEmpty() && merged.single != null) {
        return WitType.alias(
            name, docs, origin, typeOf(merged.single, name, iface, pointer + "/allOf/0"));
      }
      return record(iface, name, merged, pointer, origin, docs);
    }
    boolean oneOf = schema.getOneOf() != null && !schema.getOneOf().isEmpty();
    List<Schema<?>> alternatives = new ArrayList<>();
    if (oneOf) {
      schema.getOneOf().forEach(alternatives::add);
    } else if (schema.getAnyOf() != null) {
      schema.getAnyOf().forEach(alternatives::add);
    }
    if (!alternatives.isEmpty()) {
      String keyword = oneOf ? "oneOf" : "anyOf";
      if (alternatives.size() == 1) {
        return WitType.alias(
            name,
            docs,
            origin,
            typeOf(alternatives.get(0), name, iface, pointer + "/" + keyword + "/0"));
      }
      return variant(iface, name, schema, alternatives, keyword, pointer, origin, docs);
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty() && "string".equals(type)) {
      return enumType(name, schema, origin, docs);
    }
    if ("object".equals(type) || (type == null && schema.getProperties() != null)) {
      Merged merged = new Merged();
      merged.add(schema);
      if (!merged.properties.isEmpty()) {
        return record(iface, name, merged, pointer, origin, docs);
      }
    }
    return WitType.alias(name, docs, origin, typeOf(schema, name, iface, pointer, true));
  }

  /**
   * minProperties/maxProperties belong to the object, not to a field; they travel on the type's
   * origin so a stub can count the properties of a flattened body too.
   */
  private static Origin objectRules(Origin origin, Schema<?> schema) {
    Origin o = origin;
    if (schema.getMinProperties() != null) {
      o = o.with("min-properties", schema.getMinProperties().toString());
    }
    if (schema.getMaxProperties() != null) {
      o = o.with("max-properties", schema.getMaxProperties().toString());
    }
    return o;
  }

  /** Properties gathered from an object schema and the parts of an allOf. */
  private static final class Merged {
    final Map<String, Schema<?>> properties = new LinkedHashMap<>();
    final Map<String, String> pointers = new HashMap<>();
    final Set<String> required = new LinkedHashSet<>();
    @Nullable Object additional;
    @Nullable Schema<?> single;

    void add(Schema<?> s) {
      if (s.getProperties() != null) {
        s.getProperties()
            .forEach(
                (k, v) -> {
                  properties.put(k, v);
                });
      }
      if (s.getRequired() != null) {
        required.addAll(s.getRequired());
      }
      if (s.getAdditionalProperties() != null
          && !Boolean.FALSE.equals(s.getAdditionalProperties())) {
        additional = s.getAdditionalProperties();
      }
    }
  }

  private Merged merge(Schema<?> schema, String pointer, Set<String> visiting) {
    Merged merged = new Merged();
    mergeInto(merged, schema, pointer, visiting);
    return merged;
  }

  private void mergeInto(Merged merged, Schema<?> schema, String pointer, Set<String> visiting) {
    if (schema.get$ref() != null) {
      String ref = schema.get$ref();
      Schema<?> target = resolve(ref);
      if (target == null) {
        dangling(ref, pointer);
        return;
      }
      if (!visiting.add(ref)) {
        return;
      }
      mergeInto(
          merged,
          target,
          "/components/schemas/" + escapePointer(ref.substring(SCHEMA_PREFIX.length())),
          visiting);
      if (typeName(target) != null
          && !"object".equals(typeName(target))
          && target.getAllOf() == null) {
        merged.single = schema;
      }
      return;
    }
    if (schema.getAllOf() != null) {
      for (int i = 0; i < schema.getAllOf().size(); i++) {
        mergeInto(merged, schema.getAllOf().get(i), pointer + "/allOf/" + i, visiting);
      }
      if (schema.getAllOf().size() == 1 && merged.properties.isEmpty()) {
        merged.single = schema.getAllOf().get(0);
      }
    }
    if (schema.getProperties() != null) {
      for (String k : schema.getProperties().keySet()) {
        merged.pointers.put(k, pointer + "/properties/" + escapePointer(k));
      }
    }
    merged.add(schema);
  }

  private WitType record(
      Draft iface, String name, Merged merged, String pointer, Origin origin, String docs) {
    if (merged.properties.size() > MAX_RECORD_FIELDS) {
      warnings.add(
          new Binding.Warning(
              pointer,
              "object with "
                  + merged.properties.size()
                  + " properties exceeds "
                  + MAX_RECORD_FIELDS
                  + " fields; carried as JSON text"));
      return WitType.alias(name, docs, origin.with("encoding", "json"), SharedPackage.JSON);
    }
    NameScope scope = new NameScope("fields of " + name);
    List<WitField> fields = new ArrayList<>();
    for (Map.Entry<String, Schema<?>> p : merged.properties.entrySet()) {
      String propPointer =
          merged.pointers.getOrDefault(
              p.getKey(), pointer + "/properties/" + escapePointer(p.getKey()));
      String fieldName = scope.claim(kebab(p.getKey()), "field", "property " + p.getKey());
      if (fieldName == null) {
        problems.add(
            new ContractProblem(
                location + "#" + propPointer,
                "properties '"
                    + p.getKey()
                    + "' and '"
                    + scope.ownerOf(kebab(p.getKey())).substring("property ".length())
                    + "' of "
                    + name
                    + " both become WIT field "
                    + kebab(p.getKey())));
        continue;
      }
      boolean required = merged.required.contains(p.getKey());
      Schema<?> ps = p.getValue();
      WitTypeRef t = typeOf(ps, WitNames.join(name, fieldName), iface, propPointer);
      if (!required || isNullable(ps)) {
        t = WitTypeRef.option(t);
      }
      Map<String, String> propAttrs = new TreeMap<>();
      // A stub leaves readOnly properties out of requests and writeOnly ones out of responses.
      if (Boolean.TRUE.equals(ps.getReadOnly())) {
        propAttrs.put("read-only", "true");
      }
      if (Boolean.TRUE.equals(ps.getWriteOnly())) {
        propAttrs.put("write-only", "true");
      }
      if (isNullable(ps)) {
        propAttrs.put("nullable", "true");
      }
      Origin o = new Origin(Origin.Kind.OPENAPI_PROPERTY, propPointer, p.getKey(), null, propAttrs);
      fields.add(new WitField(fieldName, t, docsOf(ps), o, rules(ps, required), null));
    }
    if (merged.additional != null) {
      String fieldName = scope.claimNumbered("additional-properties", "additionalProperties");
      WitTypeRef value =
          merged.additional instanceof Schema<?> s
              ? typeOf(s, WitNames.join(name, "value"), iface, pointer + "/additionalProperties")
              : SharedPackage.JSON;
      Origin o =
          new Origin(
              Origin.Kind.OPENAPI_PROPERTY,
              pointer + "/additionalProperties",
              null,
              null,
              Map.of("additional-properties", "true"));
      fields.add(
          new WitField(
              fieldName,
              WitTypeRef.list(WitTypeRef.tuple(List.of(STRING, value))),
              "Properties not named above, as name and value.",
              o,
              Rules.NONE,
              null));
    }
    if (fields.isEmpty()) {
      return WitType.alias(name, docs, origin.with("encoding", "json"), SharedPackage.JSON);
    }
    return new WitType(name, WitType.Kind.RECORD, docs, origin, fields, null, List.of());
  }

  private WitType variant(
      Draft iface,
      String name,
      Schema<?> schema,
      List<Schema<?>> alternatives,
      String keyword,
      String pointer,
      Origin origin,
      String docs) {
    NameScope scope = new NameScope("cases of " + name);
    Map<String, String> mappingByRef = new HashMap<>();
    Origin o = origin.with("variant", keyword);
    if (schema.getDiscriminator() != null) {
      o = o.with("discriminator", String.valueOf(schema.getDiscriminator().getPropertyName()));
      if (schema.getDiscriminator().getMapping() != null) {
        schema
            .getDiscriminator()
            .getMapping()
            .forEach((k, v) -> mappingByRef.putIfAbsent(normalizeRef(v), k));
      }
    }
    List<WitField> cases = new ArrayList<>();
    for (int i = 0; i < alternatives.size(); i++) {
      Schema<?> alt = alternatives.get(i);
      String altPointer = pointer + "/" + keyword + "/" + i;
      String base;
      String discriminatorValue = null;
      if (alt.get$ref() != null) {
        discriminatorValue = mappingByRef.get(alt.get$ref());
        String refName =
            alt.get$ref().startsWith(SCHEMA_PREFIX)
                ? alt.get$ref().substring(SCHEMA_PREFIX.length())
                : alt.get$ref();
        if (discriminatorValue == null && schema.getDiscriminator() != null) {
          discriminatorValue = refName;
        }
        base = kebab(discriminatorValue != null ? discriminatorValue : refName);
      } else if (alt.getTitle() != null) {
        base = kebab(alt.getTitle());
      } else {
        String t = typeName(alt);
        base = t == null ? (alt.getProperties() != null ? "object" : "value") : t;
      }
      String caseName = scope.claimNumbered(base, "alternative " + i);
      WitTypeRef payload = typeOf(alt, WitNames.join(name, caseName), iface, altPointer);
      Origin co = Origin.of(Origin.Kind.OPENAPI_SCHEMA, altPointer, alt.get$ref(), i);
      if (discriminatorValue != null) {
        co = co.with("discriminator-value", discriminatorValue);
      }
      cases.add(new WitField(caseName, payload, docsOf(alt), co, rules(alt, true), null));
    }
    return new WitType(name, WitType.Kind.VARIANT, docs, o, cases, null, List.of());
  }

  private static String normalizeRef(String v) {
    return v.startsWith("#") ? v : SCHEMA_PREFIX + v;
  }

  private WitType enumType(String name, Schema<?> schema, Origin origin, String docs) {
    NameScope scope = new NameScope("cases of " + name);
    List<WitField> cases = new ArrayList<>();
    for (Object value : schema.getEnum()) {
      if (value == null) {
        continue;
      }
      String literal = String.valueOf(value);
      String base = literal.isEmpty() ? "empty" : kebab(literal);
      String caseName = scope.claim(base, "value", "enum value '" + literal + "'");
      if (caseName == null) {
        caseName = scope.claimNumbered(base, literal);
        warnings.add(
            new Binding.Warning(
                origin.ref(),
                "enum values '"
                    + literal
                    + "' and "
                    + scope.ownerOf(base)
                    + " both read as "
                    + base
                    + "; the later one is "
                    + caseName));
      }
      cases.add(
          new WitField(
              caseName,
              null,
              "",
              Origin.of(Origin.Kind.OPENAPI_SCHEMA, origin.ref(), literal, null),
              Rules.NONE,
              null));
    }
    if (cases.isEmpty()) {
      return WitType.alias(name, docs, origin, STRING);
    }
    return new WitType(name, WitType.Kind.ENUM, docs, origin, cases, null, List.of());
  }

  private @Nullable Schema<?> resolve(String ref) {
    if (!ref.startsWith(SCHEMA_PREFIX)
        || api.getComponents() == null
        || api.getComponents().getSchemas() == null) {
      return null;
    }
    return api.getComponents().getSchemas().get(ref.substring(SCHEMA_PREFIX.length()));
  }

  private void dangling(String ref, String pointer) {
    problems.add(
        new ContractProblem(location + "#" + pointer, "$ref " + ref + " points to nothing"));
  }

  private Draft typesInterface() {
    Draft types = interfaces.get(TYPES);
    if (types == null) {
      throw new IllegalStateException("the types interface is created before anything else");
    }
    return types;
  }

  /** The WIT type name given to components.schemas entry {@code key} before translation. */
  private String schemaName(String key) {
    String name = schemaNames.get(key);
    if (name == null) {
      throw new IllegalStateException("schema " + key + " was not named");
    }
    return name;
  }

  private WitTypeRef typeOf(
      @Nullable Schema<?> schema, String contextName, Draft iface, String pointer) {
    return typeOf(schema, contextName, iface, pointer, false);
  }

  /**
   * The WIT type for a schema used in place; named shapes get a type of their own in {@code iface}.
   */
  private WitTypeRef typeOf(
      @Nullable Schema<?> schema,
      String contextName,
      Draft iface,
      String pointer,
      boolean definingAlias) {
    if (schema == null) {
      return SharedPackage.JSON;
    }
    if (schema.get$ref() != null) {
      String ref = schema.get$ref();
      if (!ref.startsWith(SCHEMA_PREFIX)) {
        // A $ref into another part of the document (#/paths/...): legal JSON Reference, but not a
        // named schema. It travels as JSON text rather than failing the whole document.
        warnings.add(
            new Binding.Warning(
                pointer,
                "$ref "
                    + ref
                    + " does not name a components.schemas entry;"
                    + " carried as JSON text"));
        return SharedPackage.JSON;
      }
      if (resolve(ref) == null) {
        dangling(ref, pointer);
        return SharedPackage.JSON;
      }
      return WitTypeRef.named(pkgName, TYPES, schemaName(ref.substring(SCHEMA_PREFIX.length())));
    }
    String type = typeName(schema);
    boolean composite =
        (schema.getAllOf() != null && !schema.getAllOf().isEmpty())
            || (schema.getOneOf() != null && !schema.getOneOf().isEmpty())
            || (schema.getAnyOf() != null && !schema.getAnyOf().isEmpty());
    if (schema.getAllOf() != null
        && schema.getAllOf().size() == 1
        && schema.getProperties() == null) {
      return typeOf(
          schema.getAllOf().get(0), contextName, iface, pointer + "/allOf/0", definingAlias);
    }
    boolean namedShape =
        !definingAlias
            && (composite
                || (schema.getEnum() != null
                    && !schema.getEnum().isEmpty()
                    && "string".equals(type))
                || (("object".equals(type) || type == null)
                    && schema.getProperties() != null
                    && !schema.getProperties().isEmpty()));
    if (namedShape) {
      WitTypeRef memo = inlineMemo.get(schema);
      if (memo != null
          && (TYPES.equals(memo.interfaceName()) || iface.name.equals(memo.interfaceName()))) {
        return memo;
      }
      String kindSuffix = composite ? "variant" : schema.getEnum() != null ? "enum" : "record";
      String name = iface.scope.claim(contextName, kindSuffix, pointer);
      if (name == null) {
        name = iface.scope.claimNumbered(contextName, pointer);
      }
      WitTypeRef ref = WitTypeRef.named(pkgName, iface.name, name);
      inlineMemo.put(schema, ref);
      Origin origin = objectRules(Origin.of(Origin.Kind.OPENAPI_SCHEMA, pointer), schema);
      addType(iface, shape(iface, name, schema, pointer, origin, docsOf(schema)));
      return ref;
    }
    if (type == null) {
      return SharedPackage.JSON;
    }
    return switch (type) {
      case "string" ->
          "binary".equals(schema.getFormat()) || "byte".equals(schema.getFormat())
              ? WitTypeRef.list(WitTypeRef.primitive("u8"))
              : STRING;
      case "integer" -> WitTypeRef.primitive(integerType(schema));
      case "number" -> WitTypeRef.primitive("float".equals(schema.getFormat()) ? "f32" : "f64");
      case "boolean" -> WitTypeRef.primitive("bool");
      case "array" -> arrayType(schema, contextName, iface, pointer);
      case "object" -> {
        Object addl = schema.getAdditionalProperties();
        if (addl instanceof Schema<?> s) {
          yield WitTypeRef.list(
              WitTypeRef.tuple(
                  List.of(
                      STRING,
                      valueOf(
                          s,
                          WitNames.join(contextName, "value"),
                          iface,
                          pointer + "/additionalProperties"))));
        }
        yield SharedPackage.JSON;
      }
      default -> SharedPackage.JSON;
    };
  }

  private WitTypeRef arrayType(Schema<?> schema, String contextName, Draft iface, String pointer) {
    Schema<?> items = schema.getItems();
    if (items != null
        && Boolean.TRUE.equals(schema.getUniqueItems())
        && items.get$ref() == null
        && items.getEnum() != null
        && "string".equals(typeName(items))) {
      long values = items.getEnum().stream().filter(v -> v != null).count();
      if (values > 0 && values <= MAX_FLAGS) {
        WitTypeRef memo = inlineMemo.get(schema);
        if (memo != null
            && (TYPES.equals(memo.interfaceName()) || iface.name.equals(memo.interfaceName()))) {
          return memo;
        }
        String name = iface.scope.claimNumbered(contextName, pointer);
        List<WitField> flags = new ArrayList<>();
        NameScope scope = new NameScope("flags of " + name);
        for (Object v : items.getEnum()) {
          if (v != null) {
            String literal = String.valueOf(v);
            flags.add(
                new WitField(
                    scope.claimNumbered(literal.isEmpty() ? "empty" : kebab(literal), literal),
                    null,
                    "",
                    Origin.of(Origin.Kind.OPENAPI_SCHEMA, pointer + "/items", literal, null),
                    Rules.NONE,
                    null));
          }
        }
        WitTypeRef ref = WitTypeRef.named(pkgName, iface.name, name);
        inlineMemo.put(schema, ref);
        addType(
            iface,
            new WitType(
                name,
                WitType.Kind.FLAGS,
                docsOf(schema),
                Origin.of(Origin.Kind.OPENAPI_SCHEMA, pointer).with("encoding", "set"),
                flags,
                null,
                List.of()));
        return ref;
      }
      if (values > MAX_FLAGS) {
        warnings.add(
            new Binding.Warning(
                pointer,
                "a set of "
                    + values
                    + " values exceeds the "
                    + MAX_FLAGS
                    + " flags WIT allows; it is a list of enum values instead"));
      }
    }
    return WitTypeRef.list(
        valueOf(items, WitNames.join(contextName, "item"), iface, pointer + "/items"));
  }

  private WitTypeRef valueOf(
      @Nullable Schema<?> s, String contextName, Draft iface, String pointer) {
    WitTypeRef t = typeOf(s, contextName, iface, pointer);
    return s != null && isNullable(s) ? WitTypeRef.option(t) : t;
  }

  private static String integerType(Schema<?> s) {
    BigDecimal min = s.getMinimum();
    BigDecimal max = s.getMaximum();
    boolean unsigned = min != null && min.signum() >= 0;
    if ("int32".equals(s.getFormat())) {
      return unsigned ? "u32" : "s32";
    }
    if ("int64".equals(s.getFormat())) {
      return unsigned ? "u64" : "s64";
    }
    if (unsigned) {
      return max == null || max.compareTo(U32_MAX) <= 0 ? "u32" : "u64";
    }
    if (min != null && max != null && min.compareTo(S32_MIN) >= 0 && max.compareTo(S32_MAX) <= 0) {
      return "s32";
    }
    return "s64";
  }

  static @Nullable String typeName(Schema<?> s) {
    if (s.getType() != null) {
      return s.getType();
    }
    if (s.getTypes() != null) {
      for (String t : new java.util.TreeSet<>(s.getTypes())) {
        if (!"null".equals(t)) {
          return t;
        }
      }
    }
    return null;
  }

  private static boolean isNullable(Schema<?> s) {
    return Boolean.TRUE.equals(s.getNullable())
        || (s.getTypes() != null && s.getTypes().contains("null"));
  }

  private static Rules rules(Schema<?> s, boolean required) {
    List<String> allowed = new ArrayList<>();
    if (s.getEnum() != null) {
      for (Object v : s.getEnum()) {
        if (v != null) {
          allowed.add(String.valueOf(v));
        }
      }
    }
    Rules r =
        new Rules(
            required,
            s.getMinLength(),
            s.getMaxLength(),
            s.getPattern(),
            s.getMinimum(),
            s.getMaximum(),
            Boolean.TRUE.equals(s.getExclusiveMinimum()),
            Boolean.TRUE.equals(s.getExclusiveMaximum()),
            s.getMinItems(),
            s.getMaxItems(),
            s.getFormat(),
            allowed,
            s.getMultipleOf(),
            s.getMinProperties(),
            s.getMaxProperties());
    return r;
  }

  private static String docsOf(@Nullable Schema<?> s) {
    if (s == null) {
      return "";
    }
    String d = s.getDescription() != null ? s.getDescription() : s.getTitle();
    return d == null ? "" : d;
  }

  static String escapePointer(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }

  // ---- operations

  private void translateOperation(
      String path, PathItem item, PathItem.HttpMethod method, Operation op) {
    String opPointer =
        "/paths/" + escapePointer(path) + "/" + method.name().toLowerCase(Locale.ROOT);
    String[] segments = path.replaceAll("^/+|/+$", "").split("/+", -1);
    List<String> statics = new ArrayList<>();
    List<String> params = new ArrayList<>();
    boolean item_ = false;
    for (String seg : segments) {
      if (seg.isEmpty()) {
        continue;
      }
      boolean isParam = seg.startsWith("{") && seg.endsWith("}");
      if (isParam) {
        params.add(kebab(seg.substring(1, seg.length() - 1)));
      } else {
        statics.add(kebab(seg));
      }
      item_ = isParam;
    }
    String base = statics.isEmpty() ? "root" : WitNames.join(statics.toArray(String[]::new));
    Draft iface = resourceInterface(path, base, params, item_);
    String m = method.name().toLowerCase(Locale.ROOT);
    boolean hasPatch = item.getPatch() != null;
    String fnBase =
        switch (m) {
          case "get" -> item_ ? "get" : "list";
          case "post" -> item_ ? "post" : "create";
          case "put" -> hasPatch ? "replace" : "update";
          case "patch" -> "update";
          default -> m;
        };
    String fn = iface.scope.claimNumbered(fnBase, opPointer);
    // Inline types live in the path's own interface, so the function name stands for
    // {path}-{method}:
    // update-request-body-state rather than repos-owner-repo-issues-issue-number-patch-...-state.
    String context = fn;

    // Parameters: path-level ones, overridden by the operation's own.
    Map<String, Parameter> merged = new LinkedHashMap<>();
    Map<String, String> paramPointers = new HashMap<>();
    addParams(
        item.getParameters(),
        "/paths/" + escapePointer(path) + "/parameters",
        merged,
        paramPointers);
    addParams(op.getParameters(), opPointer + "/parameters", merged, paramPointers);

    NameScope paramScope = new NameScope("parameters of " + fn);
    List<WitField> fnParams = new ArrayList<>();
    NameScope requestScope = new NameScope("request of " + fn);
    List<WitField> requestFields = new ArrayList<>();

    Origin fnOrigin =
        new Origin(
            Origin.Kind.OPENAPI_OPERATION,
            opPointer,
            op.getOperationId(),
            null,
            Map.of("method", method.name(), "path", path));
    // Auth first, as in the seed: it is what every call needs.
    WitField auth = authField(op, opPointer);
    if (auth != null) {
      requestScope.claim("auth", "", "auth");
      requestFields.add(auth);
    }
    // Path parameters in path order become function parameters.
    for (String seg : segments) {
      if (seg.startsWith("{") && seg.endsWith("}")) {
        String pname = seg.substring(1, seg.length() - 1);
        Parameter p = merged.get("path|" + pname);
        String pointer =
            p == null ? opPointer : paramPointers.getOrDefault("path|" + pname, opPointer);
        Schema<?> ps = p == null ? null : p.getSchema();
        WitTypeRef t =
            ps == null
                ? STRING
                : typeOf(
                    ps, WitNames.join(context, "params", kebab(pname)), iface, pointer + "/schema");
        String fname = paramScope.claimNumbered(kebab(pname), pname);
        Map<String, String> pathAttrs = new TreeMap<>();
        pathAttrs.put("in", "path");
        if (p != null && p.getStyle() != null) {
          pathAttrs.put("style", p.getStyle().toString());
        }
        if (p != null && p.getExplode() != null) {
          pathAttrs.put("explode", p.getExplode().toString());
        }
        Origin o = new Origin(Origin.Kind.OPENAPI_PARAMETER, pointer, pname, null, pathAttrs);
        fnParams.add(
            new WitField(
                fname,
                t,
                p == null || p.getDescription() == null ? "" : p.getDescription(),
                o,
                ps == null ? Rules.NONE.withRequired(true) : rules(ps, true),
                null));
        if (p == null) {
          warnings.add(
              new Binding.Warning(
                  opPointer, "path parameter {" + pname + "} is not declared; taken as a string"));
        }
      }
    }
    for (Map.Entry<String, Parameter> e : merged.entrySet()) {
      Parameter p = e.getValue();
      String in = p.getIn() == null ? "query" : p.getIn();
      if (in.equals("path")) {
        continue;
      }
      String pointer = paramPointers.getOrDefault(e.getKey(), opPointer);
      String headerName = p.getName() == null ? "" : p.getName();
      WitField.Role role = null;
      String wanted = kebab(headerName);
      if (in.equals("header")) {
        String lower = headerName.toLowerCase(Locale.ROOT);
        if (lower.equals("if-match")) {
          role = WitField.Role.EXPECTED_VERSION;
          wanted = "expected-version";
        } else if (lower.equals("authorization") && auth != null) {
          continue; // the auth field carries it
        }
      }
      String fname = requestScope.claim(wanted, in, in + " parameter " + headerName);
      if (fname == null) {
        problems.add(
            new ContractProblem(
                location + "#" + pointer,
                in
                    + " parameter '"
                    + headerName
                    + "' and "
                    + requestScope.ownerOf(wanted)
                    + " both become field "
                    + wanted
                    + " of "
                    + fn
                    + " in "
                    + iface.name));
        continue;
      }
      Schema<?> ps = p.getSchema();
      if (ps == null && p.getContent() != null && !p.getContent().isEmpty()) {
        ps = p.getContent().values().iterator().next().getSchema();
      }
      String component =
          pointer.startsWith("/components/parameters/")
              ? pointer.substring("/components/parameters/".length())
              : null;
      WitTypeRef t =
          component != null
              ? typeOf(
                  ps,
                  kebab(component.replace("~1", "/").replace("~0", "~")),
                  typesInterface(),
                  pointer + "/schema")
              : typeOf(ps, WitNames.join(context, "params", fname), iface, pointer + "/schema");
      boolean required = Boolean.TRUE.equals(p.getRequired());
      if (!required || (ps != null && isNullable(ps))) {
        t = WitTypeRef.option(t);
      }
      Map<String, String> attrs = new TreeMap<>();
      attrs.put("in", in);
      if (p.getStyle() != null) {
        attrs.put("style", p.getStyle().toString());
      }
      if (p.getExplode() != null) {
        attrs.put("explode", p.getExplode().toString());
      }
      if (Boolean.TRUE.equals(p.getAllowReserved())) {
        attrs.put("allow-reserved", "true");
      }
      Origin o = new Origin(Origin.Kind.OPENAPI_PARAMETER, pointer, headerName, null, attrs);
      requestFields.add(
          new WitField(
              fname,
              t,
              p.getDescription() == null ? "" : p.getDescription(),
              o,
              ps == null ? Rules.NONE.withRequired(required) : rules(ps, required),
              role));
    }
    // The request body: flattened into the request when it is a record whose fields fit.
    RequestBody body = op.getRequestBody();
    String bodyPointer = opPointer + "/requestBody";
    if (body != null && body.get$ref() != null) {
      String ref = body.get$ref();
      bodyPointer =
          "/components/requestBodies/" + escapePointer(ref.substring(ref.lastIndexOf('/') + 1));
      body =
          api.getComponents() == null || api.getComponents().getRequestBodies() == null
              ? null
              : api.getComponents().getRequestBodies().get(ref.substring(ref.lastIndexOf('/') + 1));
      if (body == null) {
        dangling(ref, opPointer + "/requestBody");
      }
    }
    if (body != null && body.getContent() != null && !body.getContent().isEmpty()) {
      String media = chooseMedia(body.getContent());
      MediaType mt = body.getContent().get(media);
      String mediaPointer = bodyPointer + "/content/" + escapePointer(media);
      WitTypeRef t =
          bodyType(
              mt == null ? null : mt.getSchema(),
              media,
              WitNames.join(context, "request-body"),
              iface,
              mediaPointer + "/schema");
      boolean required = Boolean.TRUE.equals(body.getRequired());
      Origin bodyOrigin =
          new Origin(
              Origin.Kind.OPENAPI_BODY,
              mediaPointer,
              null,
              null,
              Map.of(
                  "in",
                  "body",
                  "media-type",
                  media,
                  "media-types",
                  String.join(" ", body.getContent().keySet())));
      if (!flatten(t, required, bodyOrigin, requestScope, requestFields)) {
        String fname = requestScope.claimNumbered("body", "body");
        requestFields.add(
            new WitField(
                fname,
                required ? t : WitTypeRef.option(t),
                body.getDescription() == null ? "" : body.getDescription(),
                bodyOrigin,
                Rules.NONE.withRequired(required),
                WitField.Role.BODY));
      }
    }
    if (requestFields.size() == 1) {
      WitField only = requestFields.get(0);
      String fname = paramScope.claimNumbered(only.name(), only.name());
      fnParams.add(
          new WitField(fname, only.type(), only.docs(), only.origin(), only.rules(), only.role()));
    } else if (!requestFields.isEmpty()) {
      String recName = iface.scope.claimNumbered(WitNames.join(fn, "request"), opPointer);
      addType(
          iface,
          new WitType(
              recName,
              WitType.Kind.RECORD,
              "The request of `" + fn + "`.",
              fnOrigin.with("in", "request"),
              requestFields,
              null,
              List.of()));
      String pname = paramScope.claimNumbered("request", "request");
      fnParams.add(
          WitField.of(
              pname,
              WitTypeRef.named(pkgName, iface.name, recName),
              "",
              fnOrigin.with("in", "request")));
    }

    // Responses. Every 2xx is typed: one kind of success is the ok type itself; a success that may
    // come without a body (200 or 204) makes it an option; different bodies make a variant by
    // status.
    List<Origin> responses = new ArrayList<>();
    Map<String, ApiResponse> byStatus = new TreeMap<>();
    if (op.getResponses() != null) {
      op.getResponses().forEach(byStatus::put);
    }
    Map<String, ApiResponse> successResponses = new LinkedHashMap<>();
    byStatus.forEach(
        (status, r) -> {
          if (status.startsWith("2")) {
            successResponses.put(status, r);
          }
        });
    List<String> successes = List.copyOf(successResponses.keySet());
    Map<String, WitTypeRef> okTypes = new LinkedHashMap<>();
    Map<String, Boolean> okEmpty = new LinkedHashMap<>();
    for (Map.Entry<String, ApiResponse> success : successResponses.entrySet()) {
      String status = success.getKey();
      String rPointer = opPointer + "/responses/" + escapePointer(status);
      ApiResponse r = resolveResponse(success.getValue(), rPointer);
      String okBase = successes.size() == 1 ? fn : WitNames.join(fn, successWord(status));
      WitTypeRef t = okType(r, okBase, okBase, iface, rPointer, status);
      okEmpty.put(status, t == null);
      if (t != null) {
        okTypes.put(status, t);
      }
    }
    Set<WitTypeRef> distinct = new LinkedHashSet<>(okTypes.values());
    boolean someEmpty = okEmpty.containsValue(true);
    WitTypeRef ok = null;
    boolean asVariant = distinct.size() > 1;
    if (distinct.size() == 1) {
      ok = distinct.iterator().next();
      if (someEmpty) {
        ok = WitTypeRef.option(ok);
      }
    } else if (asVariant) {
      String variantName =
          iface.scope.claimNumbered(WitNames.join(fn, "result"), opPointer + "/responses");
      NameScope caseScope = new NameScope("cases of " + variantName);
      List<WitField> cases = new ArrayList<>();
      for (String status : successes) {
        String rPointer = opPointer + "/responses/" + escapePointer(status);
        String caseName = caseScope.claimNumbered(successWord(status), status);
        cases.add(
            new WitField(
                caseName,
                okTypes.get(status),
                "Status " + status + ".",
                new Origin(
                    Origin.Kind.OPENAPI_RESPONSE, rPointer, null, null, Map.of("status", status)),
                Rules.NONE,
                null));
      }
      addType(
          iface,
          new WitType(
              variantName,
              WitType.Kind.VARIANT,
              "The successful outcomes of `" + fn + "`.",
              Origin.of(Origin.Kind.OPENAPI_RESPONSE, opPointer + "/responses"),
              cases,
              null,
              List.of()));
      ok = WitTypeRef.named(pkgName, iface.name, variantName);
    }
    for (Map.Entry<String, ApiResponse> e : byStatus.entrySet()) {
      String status = e.getKey();
      String rPointer = opPointer + "/responses/" + escapePointer(status);
      ApiResponse r =
          e.getValue().get$ref() == null
              ? e.getValue()
              : status.startsWith("2")
                  ? resolveResponseQuietly(e.getValue())
                  : resolveResponse(e.getValue(), rPointer);
      Map<String, String> attrs = new TreeMap<>();
      attrs.put("status", status);
      if (r != null && r.getContent() != null && !r.getContent().isEmpty()) {
        String media = chooseMedia(r.getContent());
        attrs.put("media-type", media);
        attrs.put("media-types", String.join(" ", r.getContent().keySet()));
      }
      if (status.startsWith("2")) {
        attrs.put(
            "maps-to",
            asVariant
                ? "ok." + successWord(status)
                : Boolean.TRUE.equals(okEmpty.get(status)) && ok != null ? "ok.none" : "ok");
      } else if (status.startsWith("1") || status.startsWith("3")) {
        attrs.put("maps-to", "error.other");
      } else {
        attrs.put("maps-to", "error." + errorCase(status));
        if (r != null
            && r.getHeaders() != null
            && r.getHeaders().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("retry-after"))) {
          attrs.put("retry-after", "header");
        }
      }
      responses.add(new Origin(Origin.Kind.OPENAPI_RESPONSE, rPointer, null, null, attrs));
    }
    String docs = join(op.getSummary(), op.getDescription());
    iface.functions.add(
        new WitFunction(
            fn,
            WitFunction.Kind.FREESTANDING,
            docs,
            fnOrigin,
            fnParams,
            ok,
            SharedPackage.ERROR,
            responses));
  }

  private static String join(@Nullable String a, @Nullable String b) {
    if (a == null || a.isBlank()) {
      return b == null ? "" : b;
    }
    if (b == null || b.isBlank() || b.strip().equals(a.strip())) {
      return a;
    }
    return a.strip() + "\n\n" + b.strip();
  }

  static String errorCase(String status) {
    return switch (status) {
      case "401" -> "unauthorized";
      case "403" -> "forbidden";
      case "404", "410" -> "not-found";
      case "400", "422" -> "validation-error";
      case "409", "412" -> "conflict";
      case "429" -> "rate-limited";
      case "408", "504" -> "timeout";
      case "503" -> "unavailable";
      default -> status.startsWith("5") ? "server-error" : "other";
    };
  }

  /** The word for a success status, as a variant case or a name part. */
  static String successWord(String status) {
    return switch (status) {
      case "200" -> "ok";
      case "201" -> "created";
      case "202" -> "accepted";
      case "203" -> "non-authoritative";
      case "204" -> "no-content";
      case "205" -> "reset-content";
      case "206" -> "partial-content";
      case "207" -> "multi-status";
      case "208" -> "already-reported";
      case "226" -> "im-used";
      default ->
          status.equalsIgnoreCase("2XX") ? "success" : "status" + status.toLowerCase(Locale.ROOT);
    };
  }

  /** For the second look at a response already resolved (and reported) once. */
  private @Nullable ApiResponse resolveResponseQuietly(ApiResponse r) {
    String name = r.get$ref().substring(r.get$ref().lastIndexOf('/') + 1);
    return api.getComponents() == null || api.getComponents().getResponses() == null
        ? null
        : api.getComponents().getResponses().get(name);
  }

  private @Nullable ApiResponse resolveResponse(ApiResponse r, String pointer) {
    if (r.get$ref() == null) {
      return r;
    }
    String name = r.get$ref().substring(r.get$ref().lastIndexOf('/') + 1);
    ApiResponse target =
        api.getComponents() == null || api.getComponents().getResponses() == null
            ? null
            : api.getComponents().getResponses().get(name);
    if (target == null) {
      dangling(r.get$ref(), pointer);
    }
    return target;
  }

  private @Nullable WitTypeRef okType(
      @Nullable ApiResponse r,
      String fn,
      String context,
      Draft iface,
      String pointer,
      String status) {
    if (r == null) {
      return null;
    }
    WitTypeRef body = null;
    Origin bodyOrigin = null;
    if (r.getContent() != null && !r.getContent().isEmpty()) {
      String media = chooseMedia(r.getContent());
      MediaType mt = r.getContent().get(media);
      String mediaPointer = pointer + "/content/" + escapePointer(media);
      body =
          bodyType(
              mt == null ? null : mt.getSchema(),
              media,
              WitNames.join(context, "response-body"),
              iface,
              mediaPointer + "/schema");
      bodyOrigin =
          new Origin(
              Origin.Kind.OPENAPI_BODY,
              mediaPointer,
              null,
              null,
              Map.of("in", "body", "media-type", media, "status", status));
    }
    if (r.getHeaders() == null || r.getHeaders().isEmpty()) {
      return body;
    }
    NameScope scope = new NameScope("response of " + fn);
    List<WitField> fields = new ArrayList<>();
    if (body != null && bodyOrigin != null && !flatten(body, true, bodyOrigin, scope, fields)) {
      fields.add(
          new WitField(
              scope.claimNumbered("body", "body"),
              body,
              "",
              bodyOrigin,
              Rules.NONE,
              WitField.Role.BODY));
    }
    for (Map.Entry<String, Header> h : r.getHeaders().entrySet()) {
      String headerName = h.getKey();
      String lower = headerName.toLowerCase(Locale.ROOT);
      WitField.Role role =
          switch (lower) {
            case "etag" -> WitField.Role.VERSION;
            case "last-modified" -> WitField.Role.LAST_UPDATED;
            case "retry-after" -> WitField.Role.RETRY_AFTER;
            default -> null;
          };
      if (lower.equals("content-type") || lower.equals("content-length")) {
        continue; // transport framing, not data
      }
      String wanted =
          role == WitField.Role.VERSION
              ? "version"
              : role == WitField.Role.LAST_UPDATED ? "last-updated" : kebab(headerName);
      String hPointer = pointer + "/headers/" + escapePointer(headerName);
      String fname = scope.claim(wanted, "header", "header " + headerName);
      if (fname == null) {
        problems.add(
            new ContractProblem(
                location + "#" + hPointer,
                "header '"
                    + headerName
                    + "' and "
                    + scope.ownerOf(wanted)
                    + " both become field "
                    + wanted
                    + " of the "
                    + fn
                    + " response"));
        continue;
      }
      Header header = h.getValue();
      Schema<?> hs = header == null ? null : header.getSchema();
      WitTypeRef t =
          hs == null
              ? STRING
              : typeOf(hs, WitNames.join(context, "response", fname), iface, hPointer + "/schema");
      Origin o =
          new Origin(
              Origin.Kind.OPENAPI_HEADER,
              hPointer,
              headerName,
              null,
              Map.of("in", "response-header"));
      fields.add(
          new WitField(
              fname,
              WitTypeRef.option(t),
              header == null || header.getDescription() == null ? "" : header.getDescription(),
              o,
              hs == null ? Rules.NONE : rules(hs, false),
              role));
    }
    if (fields.isEmpty()) {
      return body;
    }
    String recName = iface.scope.claimNumbered(WitNames.join(fn, "response"), pointer);
    addType(
        iface,
        new WitType(
            recName,
            WitType.Kind.RECORD,
            "What `" + fn + "` returns: the body and its headers.",
            Origin.of(Origin.Kind.OPENAPI_RESPONSE, pointer).with("status", status),
            fields,
            null,
            List.of()));
    return WitTypeRef.named(pkgName, iface.name, recName);
  }

  /** Copies a record body's fields into {@code fields}; false (and nothing added) if it cannot. */
  private boolean flatten(
      WitTypeRef body,
      boolean required,
      Origin bodyOrigin,
      NameScope scope,
      List<WitField> fields) {
    if (!required || body.kind() != WitTypeRef.Kind.NAMED || !pkgName.equals(body.packageName())) {
      return false;
    }
    WitType t = defined.get(body.interfaceName() + "|" + body.name());
    if (t == null || t.kind() != WitType.Kind.RECORD) {
      return false;
    }
    for (WitField f : t.members()) {
      if (scope.isTaken(f.name())) {
        return false;
      }
    }
    for (WitField f : t.members()) {
      scope.claim(f.name(), "", "body property " + f.name());
      Origin o =
          f.origin()
              .with("in", "body")
              .with("media-type", String.valueOf(bodyOrigin.attribute("media-type")))
              .with("body", body.interfaceName() + "/" + body.name());
      fields.add(new WitField(f.name(), f.type(), f.docs(), o, f.rules(), f.role()));
    }
    return true;
  }

  private WitTypeRef bodyType(
      @Nullable Schema<?> schema, String media, String context, Draft iface, String pointer) {
    String lower = media.toLowerCase(Locale.ROOT);
    boolean structured =
        lower.contains("json")
            || lower.startsWith("application/x-www-form-urlencoded")
            || lower.startsWith("multipart/");
    if (!structured) {
      if (lower.startsWith("text/")
          || (lower.contains("xml") && schema != null && "string".equals(typeName(schema)))) {
        return STRING;
      }
      if (schema == null || !"string".equals(typeName(schema)) || schema.getFormat() != null) {
        return WitTypeRef.list(WitTypeRef.primitive("u8"));
      }
    }
    return typeOf(schema, context, iface, pointer);
  }

  static String chooseMedia(Content content) {
    List<String> keys = new ArrayList<>(content.keySet());
    for (String k : keys) {
      if (k.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        return k;
      }
    }
    for (String k : keys) {
      if (k.toLowerCase(Locale.ROOT).contains("json")) {
        return k;
      }
    }
    for (String k : keys) {
      String l = k.toLowerCase(Locale.ROOT);
      if (l.startsWith("application/x-www-form-urlencoded") || l.startsWith("multipart/")) {
        return k;
      }
    }
    return keys.get(0);
  }

  private void addParams(
      @Nullable List<Parameter> params,
      String pointer,
      Map<String, Parameter> out,
      Map<String, String> pointers) {
    if (params == null) {
      return;
    }
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      String pp = pointer + "/" + i;
      if (p.get$ref() != null) {
        String name = p.get$ref().substring(p.get$ref().lastIndexOf('/') + 1);
        Parameter target =
            api.getComponents() == null || api.getComponents().getParameters() == null
                ? null
                : api.getComponents().getParameters().get(name);
        if (target == null) {
          dangling(p.get$ref(), pp);
          continue;
        }
        p = target;
        pp = "/components/parameters/" + escapePointer(name);
      }
      String key = (p.getIn() == null ? "query" : p.getIn()) + "|" + p.getName();
      out.remove(key);
      out.put(key, p);
      pointers.put(key, pp);
    }
  }

  private @Nullable WitField authField(Operation op, String opPointer) {
    List<SecurityRequirement> reqs =
        op.getSecurity() != null ? op.getSecurity() : api.getSecurity();
    if (reqs == null || reqs.isEmpty()) {
      return null;
    }
    Map<String, SecurityScheme> schemes = securitySchemes();
    boolean optional = false;
    Set<WitTypeRef> kinds = new LinkedHashSet<>();
    Map<String, String> attrs = new TreeMap<>();
    List<String> alternatives = new ArrayList<>();
    attrs.put("in", "auth");
    for (SecurityRequirement req : reqs) {
      if (req.isEmpty()) {
        optional = true;
        alternatives.add("");
        continue;
      }
      if (req.size() > 1) {
        warnings.add(
            new Binding.Warning(
                opPointer + "/security",
                "a requirement combining "
                    + String.join(" and ", req.keySet())
                    + " is offered as a choice of one credential"));
      }
      alternatives.add(String.join("+", req.keySet()));
      for (String schemeName : req.keySet()) {
        SecurityScheme s = schemes.get(schemeName);
        if (s == null) {
          // Common in the wild; the call can still carry a token, so warn instead of failing.
          warnings.add(
              new Binding.Warning(
                  opPointer + "/security",
                  "security scheme '"
                      + schemeName
                      + "' is not defined in components.securitySchemes; taken as a bearer token"));
          attrs.put("scheme." + schemeName, "undefined");
          kinds.add(SharedPackage.BEARER);
          continue;
        }
        attrs.put("scheme." + schemeName, describe(s));
        kinds.add(
            switch (s.getType() == null ? SecurityScheme.Type.HTTP : s.getType()) {
              case APIKEY -> SharedPackage.API_KEY;
              case HTTP ->
                  "basic".equalsIgnoreCase(s.getScheme())
                      ? SharedPackage.BASIC
                      : SharedPackage.BEARER;
              default -> SharedPackage.BEARER;
            });
      }
    }
    attrs.put("security", String.join("|", alternatives));
    if (kinds.isEmpty()) {
      return null;
    }
    WitTypeRef t = kinds.size() == 1 ? kinds.iterator().next() : SharedPackage.CREDENTIALS;
    if (optional) {
      t = WitTypeRef.option(t);
    }
    Origin o = new Origin(Origin.Kind.OPENAPI_SECURITY, opPointer + "/security", null, null, attrs);
    return new WitField(
        "auth",
        t,
        "Credentials for "
            + String.join(
                " or ",
                alternatives.stream().map(a -> a.isEmpty() ? "anonymous access" : a).toList())
            + ".",
        o,
        Rules.NONE.withRequired(!optional),
        WitField.Role.AUTH);
  }

  private Map<String, SecurityScheme> securitySchemes() {
    return api.getComponents() == null || api.getComponents().getSecuritySchemes() == null
        ? Map.of()
        : api.getComponents().getSecuritySchemes();
  }

  private static String describe(SecurityScheme s) {
    if (s.getType() == null) {
      return "unknown";
    }
    return switch (s.getType()) {
      case APIKEY -> "apiKey " + s.getIn() + " " + s.getName();
      case HTTP -> "http " + s.getScheme();
      case OAUTH2 -> "oauth2";
      case OPENIDCONNECT -> "openIdConnect " + s.getOpenIdConnectUrl();
      case MUTUALTLS -> "mutualTLS";
    };
  }

  private Draft resourceInterface(String path, String base, List<String> params, boolean item) {
    String shape = item ? "resource" : "collection";
    String key = base + "|" + String.join("/", params) + "|" + shape;
    Draft existing = interfaces.get(key);
    if (existing != null) {
      return existing;
    }
    String wanted = WitNames.join(base, shape);
    String name = interfaceScope.claim(wanted, "", "path " + path);
    if (name == null) {
      // /a/{x}/b and /a/b: name the later one with its parameters too.
      List<String> parts = new ArrayList<>();
      String[] segments = path.replaceAll("^/+|/+$", "").split("/+", -1);
      for (String seg : segments) {
        parts.add(kebab(seg.replace("{", "").replace("}", "")));
      }
      parts.add(shape);
      name =
          interfaceScope.claimNumbered(WitNames.join(parts.toArray(String[]::new)), "path " + path);
    }
    Draft d =
        new Draft(
            name,
            (item ? "One item at " : "The collection at ") + "`" + path + "`.",
            new Origin(
                Origin.Kind.OPENAPI_RESOURCE,
                "/paths/" + escapePointer(path),
                path,
                null,
                Map.of("shape", shape)));
    interfaces.put(key, d);
    return d;
  }

  /** An interface under construction. */
  private static final class Draft {
    final String name;
    final String docs;
    final Origin origin;
    final NameScope scope;
    final List<WitType> types = new ArrayList<>();
    final List<WitFunction> functions = new ArrayList<>();

    Draft(String name, String docs, Origin origin) {
      this.name = name;
      this.docs = docs;
      this.origin = origin;
      this.scope = new NameScope("interface " + name);
    }
  }
}
