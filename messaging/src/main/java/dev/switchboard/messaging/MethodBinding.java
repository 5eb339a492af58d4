package dev.switchboard.messaging;

import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.switchboard.messaging.internal.Subjects;
import dev.switchboard.messaging.v1.MethodMessaging;
import dev.switchboard.messaging.v1.OptionsProto;
import dev.switchboard.messaging.v1.Pattern;
import dev.switchboard.messaging.v1.ServiceMessaging;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * How one method of a contract travels: its pattern and its subject, from the {@code
 * switchboard.messaging.v1} options ({@code options.proto}, shipped in this jar).
 *
 * <p>The subject is a template of literal tokens and {@code {field.path}} placeholders filled from
 * the method's input message ({@code orders.{region}.placed}); {@link #subject(Message)} fills it,
 * {@link #filter()} replaces each placeholder by {@code *} for subscribers. Without a {@code
 * subject} option it is {@code <subject_prefix>.<Method>}, the prefix defaulting to the service's
 * full name. Work queues and broadcast groups take literal names only; notifications go to the peer
 * named at each send and use no subject.
 *
 * <p>Options are read from the descriptor's serialized options, so generated descriptors and
 * contracts loaded at run time (where custom options are unknown fields) behave the same.
 * Immutable.
 */
public final class MethodBinding {
  private static final ExtensionRegistry OPTIONS = ExtensionRegistry.newInstance();
  private static final List<String> IMPORTS =
      List.of("switchboard/messaging/v1/options.proto", "buf/validate/validate.proto");
  private static final java.util.regex.Pattern PLACEHOLDER =
      java.util.regex.Pattern.compile("\\{([^{}]*)}");

  static {
    OptionsProto.registerAllExtensions(OPTIONS);
  }

  private final MethodDescriptor method;
  private final Pattern pattern;
  private final String template;
  private final List<Part> parts;
  private final @Nullable String group;
  private final boolean idempotent;
  private final Duration deadline;

  /** A literal token run, or a placeholder with its field path. */
  private record Part(String literal, List<FieldDescriptor> path) {}

  private MethodBinding(
      MethodDescriptor method,
      Pattern pattern,
      String template,
      List<Part> parts,
      @Nullable String group,
      boolean idempotent,
      Duration deadline) {
    this.method = method;
    this.pattern = pattern;
    this.template = template;
    this.parts = parts;
    this.group = group;
    this.idempotent = idempotent;
    this.deadline = deadline;
  }

  /**
   * The bindings of every method of {@code service}.
   *
   * @throws IllegalArgumentException listing every problem (unknown template field, a field that
   *     cannot fill a token, a malformed subject, a streaming method), each with its method
   */
  public static List<MethodBinding> of(ServiceDescriptor service) {
    List<MethodBinding> bindings = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    ServiceMessaging options = serviceOptions(service);
    for (MethodDescriptor method : service.getMethods()) {
      try {
        bindings.add(bind(method, options));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return List.copyOf(bindings);
  }

  /**
   * The binding of one method.
   *
   * @throws IllegalArgumentException naming the method and what is wrong with its options
   */
  public static MethodBinding of(MethodDescriptor method) {
    return bind(method, serviceOptions(method.getService()));
  }

  private static ServiceMessaging serviceOptions(ServiceDescriptor service) {
    try {
      return DescriptorProtos.ServiceOptions.parseFrom(service.getOptions().toByteString(), OPTIONS)
          .getExtension(OptionsProto.service);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(service.getFullName() + ": unreadable options", e);
    }
  }

  private static MethodBinding bind(MethodDescriptor method, ServiceMessaging service) {
    String where = method.getService().getFullName() + "/" + method.getName();
    MethodMessaging options;
    try {
      options =
          DescriptorProtos.MethodOptions.parseFrom(method.getOptions().toByteString(), OPTIONS)
              .getExtension(OptionsProto.method);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(where + ": unreadable options", e);
    }
    if (method.isClientStreaming() || method.isServerStreaming()) {
      throw new IllegalArgumentException(
          where + ": streaming methods have no messaging pattern; use a unary method");
    }
    Pattern pattern = options.getPattern();
    if (pattern == Pattern.PATTERN_UNSPECIFIED) {
      pattern = service.getPattern();
    }
    if (pattern == Pattern.PATTERN_UNSPECIFIED || pattern == Pattern.UNRECOGNIZED) {
      pattern = Pattern.REQUEST_RESPONSE;
    }
    String prefix =
        service.getSubjectPrefix().isEmpty()
            ? method.getService().getFullName()
            : service.getSubjectPrefix();
    String template =
        options.getSubject().isEmpty() ? prefix + "." + method.getName() : options.getSubject();
    List<Part> parts = parse(where, template, method.getInputType());
    boolean placeholders = parts.stream().anyMatch(p -> !p.path().isEmpty());
    if (placeholders && (pattern == Pattern.WORK_QUEUE || pattern == Pattern.BROADCAST)) {
      throw new IllegalArgumentException(
          where
              + ": subject '"
              + template
              + "': "
              + pattern
              + " needs a literal queue or group name, without {placeholders}");
    }
    String literalCheck = PLACEHOLDER.matcher(template).replaceAll("x");
    String problem = Subjects.problem(literalCheck, "subject", false);
    if (problem != null) {
      throw new IllegalArgumentException(where + ": " + problem.replace(literalCheck, template));
    }
    String group = !options.getGroup().isEmpty() ? options.getGroup() : service.getGroup();
    if (!group.isEmpty() && Subjects.problem(group, "group", false) != null) {
      throw new IllegalArgumentException(where + ": " + Subjects.problem(group, "group", false));
    }
    Duration deadline =
        options.getDeadlineMillis() > 0
            ? Duration.ofMillis(options.getDeadlineMillis())
            : RequestOptions.DEFAULT_DEADLINE;
    return new MethodBinding(
        method,
        pattern,
        template,
        parts,
        group.isEmpty() ? null : group,
        options.getIdempotent(),
        deadline);
  }

  private static List<Part> parse(String where, String template, Descriptor input) {
    List<Part> parts = new ArrayList<>();
    Matcher matcher = PLACEHOLDER.matcher(template);
    int last = 0;
    while (matcher.find()) {
      if (matcher.start() > last) {
        parts.add(new Part(template.substring(last, matcher.start()), List.of()));
      }
      parts.add(new Part("", fieldPath(where, template, matcher.group(1), input)));
      last = matcher.end();
    }
    if (last < template.length()) {
      parts.add(new Part(template.substring(last), List.of()));
    }
    return List.copyOf(parts);
  }

  private static List<FieldDescriptor> fieldPath(
      String where, String template, String path, Descriptor input) {
    List<FieldDescriptor> fields = new ArrayList<>();
    Descriptor type = input;
    String[] names = path.split("\\.", -1);
    for (int i = 0; i < names.length; i++) {
      FieldDescriptor field = type == null ? null : type.findFieldByName(names[i]);
      if (field == null) {
        throw new IllegalArgumentException(
            where
                + ": subject '"
                + template
                + "': "
                + (type == null ? input.getFullName() : type.getFullName())
                + " has no field '"
                + names[i]
                + "' (placeholder {"
                + path
                + "})");
      }
      if (field.isRepeated()) {
        throw new IllegalArgumentException(
            where + ": subject '" + template + "': {" + path + "} is a repeated field");
      }
      boolean lastName = i == names.length - 1;
      if (lastName == (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
        throw new IllegalArgumentException(
            where
                + ": subject '"
                + template
                + "': {"
                + path
                + "} must end at a string, number, bool or enum field");
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING) {
        throw new IllegalArgumentException(
            where + ": subject '" + template + "': {" + path + "} is a bytes field");
      }
      fields.add(field);
      type = lastName ? null : field.getMessageType();
    }
    return List.copyOf(fields);
  }

  /**
   * Writes the {@code .proto} files a messaging contract imports ({@code
   * switchboard/messaging/v1/options.proto} and {@code buf/validate/validate.proto}, both shipped
   * on the class path) under {@code directory}, for loaders that read imports from files, such as
   * {@code ContractLoader} when the CLI loads a contract at run time.
   *
   * @return {@code directory}, to add as an import path
   * @throws IOException if a file cannot be written
   */
  public static Path writeImports(Path directory) throws IOException {
    for (String name : IMPORTS) {
      Path target = directory.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = MethodBinding.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException(name + " is missing from the class path");
        }
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return directory;
  }

  /** The method. */
  public MethodDescriptor method() {
    return method;
  }

  /** {@code package.Service/Method}. */
  public String fullName() {
    return method.getService().getFullName() + "/" + method.getName();
  }

  /** The pattern. */
  public Pattern pattern() {
    return pattern;
  }

  /** The subject template as written (or defaulted). */
  public String subjectTemplate() {
    return template;
  }

  /** What subscribers listen on: the template with each placeholder as {@code *}. */
  public String filter() {
    StringBuilder filter = new StringBuilder();
    for (Part part : parts) {
      filter.append(part.path().isEmpty() ? part.literal() : "*");
    }
    return filter.toString();
  }

  /**
   * The subject for {@code input}: the template filled from its fields.
   *
   * @throws io.grpc.StatusRuntimeException {@code INVALID_ARGUMENT} naming the field whose value
   *     cannot be a subject token (empty, or holding {@code .}, a wildcard or whitespace)
   */
  public String subject(Message input) {
    StringBuilder subject = new StringBuilder();
    for (Part part : parts) {
      if (part.path().isEmpty()) {
        subject.append(part.literal());
        continue;
      }
      Message holder = input;
      Object value = null;
      StringBuilder path = new StringBuilder();
      for (FieldDescriptor field : part.path()) {
        path.append(path.length() == 0 ? "" : ".").append(field.getName());
        value = holder.getField(field);
        if (value instanceof Message nested) {
          holder = nested;
        }
      }
      String token =
          value instanceof com.google.protobuf.Descriptors.EnumValueDescriptor e
              ? e.getName()
              : String.valueOf(value);
      String problem = Subjects.problem(token, "subject token", false);
      if (problem != null || token.contains(".")) {
        throw Status.INVALID_ARGUMENT
            .withDescription(
                fullName()
                    + ": field "
                    + path
                    + " = '"
                    + token
                    + "' cannot fill {"
                    + path
                    + "} in subject '"
                    + template
                    + "' (it must be one non-empty token without '.', wildcards or whitespace)")
            .asRuntimeException();
      }
      subject.append(token);
    }
    return subject.toString();
  }

  /** The responder or queue group of server stubs, if the options name one. */
  public Optional<String> group() {
    return Optional.ofNullable(group);
  }

  /** Whether requests may be retried on another responder. */
  public boolean idempotent() {
    return idempotent;
  }

  /** The default deadline of requests. */
  public Duration deadline() {
    return deadline;
  }

  @Override
  public String toString() {
    return "MethodBinding{" + fullName() + ", " + pattern + ", " + template + "}";
  }
}
