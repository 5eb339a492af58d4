package dev.switchboard.contract;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of linked proto files: the one model every part of Switchboard reads.
 *
 * <p>A set is closed under imports: every dependency of every file is in {@link #files()}. Lookups
 * are by fully-qualified name without a leading dot ({@code pkg.Service}, {@code pkg.Message}).
 * Instances are thread-safe.
 */
public final class ContractSet {
  private final List<FileDescriptor> files;
  private final Map<String, GenericDescriptor> symbols;
  private final List<ServiceDescriptor> services;
  private volatile @Nullable MessageJson json;

  private ContractSet(List<FileDescriptor> files) {
    this.files = List.copyOf(files);
    Map<String, GenericDescriptor> index = new LinkedHashMap<>();
    List<ServiceDescriptor> allServices = new ArrayList<>();
    for (FileDescriptor file : this.files) {
      for (Descriptor message : file.getMessageTypes()) {
        indexMessage(index, message);
      }
      for (EnumDescriptor enumType : file.getEnumTypes()) {
        index.putIfAbsent(enumType.getFullName(), enumType);
      }
      for (ServiceDescriptor service : file.getServices()) {
        index.putIfAbsent(service.getFullName(), service);
        allServices.add(service);
        for (MethodDescriptor method : service.getMethods()) {
          index.putIfAbsent(method.getFullName(), method);
        }
      }
      file.getExtensions().forEach(ext -> index.putIfAbsent(ext.getFullName(), ext));
    }
    this.symbols = Map.copyOf(index);
    allServices.sort(Comparator.comparing(ServiceDescriptor::getFullName));
    this.services = List.copyOf(allServices);
  }

  private static void indexMessage(Map<String, GenericDescriptor> index, Descriptor message) {
    index.putIfAbsent(message.getFullName(), message);
    for (Descriptor nested : message.getNestedTypes()) {
      indexMessage(index, nested);
    }
    for (EnumDescriptor nested : message.getEnumTypes()) {
      index.putIfAbsent(nested.getFullName(), nested);
    }
    message.getExtensions().forEach(ext -> index.putIfAbsent(ext.getFullName(), ext));
  }

  /**
   * A set of files that are already linked. Their dependencies are added, so the set is closed
   * under imports. A file name that appears twice keeps its first occurrence.
   */
  public static ContractSet of(Collection<FileDescriptor> files) {
    Map<String, FileDescriptor> byName = new LinkedHashMap<>();
    for (FileDescriptor file : files) {
      addWithDependencies(byName, file);
    }
    return new ContractSet(new ArrayList<>(byName.values()));
  }

  private static void addWithDependencies(Map<String, FileDescriptor> byName, FileDescriptor file) {
    if (byName.containsKey(file.getName())) {
      return;
    }
    for (FileDescriptor dependency : file.getDependencies()) {
      addWithDependencies(byName, dependency);
    }
    byName.putIfAbsent(file.getName(), file);
  }

  /** The empty set. */
  public static ContractSet empty() {
    return new ContractSet(List.of());
  }

  /**
   * Links file descriptors given in any order. An import that is not among {@code protos} but is
   * one of the well-known types ({@code google/protobuf/*.proto}) is satisfied by the copy bundled
   * with protobuf-java. Every problem found is reported, each located by file name.
   *
   * @throws ContractException for missing imports, import cycles, duplicate file names with
   *     different content and descriptors that do not validate
   */
  public static ContractSet link(Collection<FileDescriptorProto> protos) throws ContractException {
    return new Linker(protos).link();
  }

  /** The files, dependencies before the files that import them. */
  public List<FileDescriptor> files() {
    return files;
  }

  /** Every service of every file, sorted by full name. */
  public List<ServiceDescriptor> services() {
    return services;
  }

  /** The service with this full name ({@code pkg.Service}); a leading dot is allowed. */
  public Optional<ServiceDescriptor> service(String fullName) {
    GenericDescriptor found = symbols.get(stripDot(fullName));
    return found instanceof ServiceDescriptor s ? Optional.of(s) : Optional.empty();
  }

  /** The message type with this full name; a leading dot is allowed. */
  public Optional<Descriptor> message(String fullName) {
    GenericDescriptor found = symbols.get(stripDot(fullName));
    return found instanceof Descriptor d ? Optional.of(d) : Optional.empty();
  }

  /**
   * Any named element: service, method ({@code pkg.Service.Method}), message, enum or extension. A
   * leading dot is allowed.
   */
  public Optional<GenericDescriptor> symbol(String fullName) {
    return Optional.ofNullable(symbols.get(stripDot(fullName)));
  }

  /**
   * Like {@link #symbol(String)}, but a missing name is an error that lists the nearest names.
   *
   * @throws ContractException when the set has no element of that name
   */
  public GenericDescriptor requireSymbol(String fullName) throws ContractException {
    GenericDescriptor found = symbols.get(stripDot(fullName));
    if (found == null) {
      throw new ContractException(
          fullName,
          "no symbol "
              + stripDot(fullName)
              + Suggestions.didYouMean(stripDot(fullName), symbols.keySet()));
    }
    return found;
  }

  /** All symbol names, for suggestions and listings. */
  public Set<String> symbolNames() {
    return symbols.keySet();
  }

  /**
   * The method named {@code pkg.Service/Method} (the gRPC path form, a leading slash allowed) or
   * {@code pkg.Service.Method}.
   *
   * @throws ContractException when there is no such method; the message lists the nearest names
   */
  public MethodDescriptor method(String serviceAndMethod) throws ContractException {
    String name =
        stripDot(
            serviceAndMethod.startsWith("/") ? serviceAndMethod.substring(1) : serviceAndMethod);
    String serviceName;
    String methodName;
    int slash = name.lastIndexOf('/');
    if (slash >= 0) {
      serviceName = name.substring(0, slash);
      methodName = name.substring(slash + 1);
    } else {
      int dot = name.lastIndexOf('.');
      serviceName = dot >= 0 ? name.substring(0, dot) : "";
      methodName = dot >= 0 ? name.substring(dot + 1) : name;
    }
    Optional<ServiceDescriptor> service = service(serviceName);
    if (service.isPresent()) {
      MethodDescriptor method = service.get().findMethodByName(methodName);
      if (method != null) {
        return method;
      }
    }
    List<String> all = new ArrayList<>();
    for (ServiceDescriptor s : services) {
      for (MethodDescriptor m : s.getMethods()) {
        all.add(s.getFullName() + "/" + m.getName());
      }
    }
    String what =
        service.isPresent()
            ? "service " + serviceName + " has no method " + methodName
            : serviceName.isEmpty() ? "no method " + name : "no service " + serviceName;
    throw new ContractException(
        serviceAndMethod, what + Suggestions.didYouMean(serviceName + "/" + methodName, all));
  }

  /** The files as a descriptor set, in dependency order, as {@code protoc --descriptor_set_out}. */
  public FileDescriptorSet toDescriptorSet() {
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    files.forEach(file -> set.addFile(file.toProto()));
    return set.build();
  }

  /**
   * This set and {@code other} together. Files with the same name are taken from this set. The sets
   * must have been linked separately, so a file that appears in both should be the same one (for
   * example a well-known type).
   */
  public ContractSet plus(ContractSet other) {
    List<FileDescriptor> together = new ArrayList<>(files);
    together.addAll(other.files);
    return of(together);
  }

  /** JSON conversion that knows this set's types (for {@code google.protobuf.Any}). */
  public MessageJson json() {
    MessageJson result = json;
    if (result == null) {
      result = new MessageJson(this);
      json = result;
    }
    return result;
  }

  @Override
  public String toString() {
    return "ContractSet" + files.stream().map(FileDescriptor::getName).toList();
  }

  private static String stripDot(String name) {
    return name.startsWith(".") ? name.substring(1) : name;
  }

  /** Links protos in any order: a depth-first walk over imports, collecting every problem. */
  private static final class Linker {
    private final Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
    private final Map<String, FileDescriptor> linked = new HashMap<>();
    private final Set<String> inProgress = new LinkedHashSet<>();
    private final Set<String> failed = new LinkedHashSet<>();
    private final List<ContractProblem> problems = new ArrayList<>();

    Linker(Collection<FileDescriptorProto> input) {
      for (FileDescriptorProto proto : input) {
        FileDescriptorProto previous = protos.putIfAbsent(proto.getName(), proto);
        if (previous != null && !previous.equals(proto)) {
          problems.add(
              new ContractProblem(
                  proto.getName(),
                  "two different files have this name; file names must be unique in a contract"));
        }
      }
    }

    ContractSet link() throws ContractException {
      List<FileDescriptor> order = new ArrayList<>();
      for (String name : protos.keySet()) {
        FileDescriptor file = resolve(name, null);
        if (file != null) {
          order.add(file);
        }
      }
      if (!problems.isEmpty()) {
        throw new ContractException(problems);
      }
      return of(order);
    }

    private @Nullable FileDescriptor resolve(String name, @Nullable String importedBy) {
      FileDescriptor done = linked.get(name);
      if (done != null || failed.contains(name)) {
        return done;
      }
      FileDescriptorProto proto = protos.get(name);
      if (proto == null) {
        FileDescriptor bundled = WellKnownTypes.file(name);
        if (bundled != null) {
          linked.put(name, bundled);
          return bundled;
        }
        failed.add(name);
        problems.add(
            new ContractProblem(
                importedBy == null ? name : importedBy,
                "import \"" + name + "\" was not found among the contract's files"));
        return null;
      }
      if (!inProgress.add(name)) {
        List<String> cycle = new ArrayList<>(inProgress);
        cycle = cycle.subList(cycle.indexOf(name), cycle.size());
        problems.add(
            new ContractProblem(
                name, "import cycle: " + String.join(" -> ", cycle) + " -> " + name));
        failed.add(name);
        return null;
      }
      List<FileDescriptor> dependencies = new ArrayList<>();
      boolean ok = true;
      for (String dependency : proto.getDependencyList()) {
        FileDescriptor resolved = resolve(dependency, name);
        if (resolved == null) {
          ok = false;
        } else {
          dependencies.add(resolved);
        }
      }
      inProgress.remove(name);
      if (!ok) {
        failed.add(name);
        return null;
      }
      try {
        FileDescriptor file =
            FileDescriptor.buildFrom(proto, dependencies.toArray(new FileDescriptor[0]));
        linked.put(name, file);
        return file;
      } catch (DescriptorValidationException e) {
        failed.add(name);
        String symbol = e.getProblemSymbolName();
        String where =
            symbol == null || symbol.isEmpty() || symbol.equals(name) ? name : name + ": " + symbol;
        problems.add(new ContractProblem(where, e.getDescription()));
        return null;
      }
    }
  }
}
