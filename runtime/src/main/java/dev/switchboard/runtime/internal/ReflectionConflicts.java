package dev.switchboard.runtime.internal;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds contracts that grpc-java's reflection service cannot index together. It refuses, at the
 * first reflection call and for every later one, a symbol defined in two files of different names,
 * which happens when a contract loaded at run time under one path meets a generated copy under
 * another. Checking when the server is built turns that late, server-wide failure into an early
 * error naming both files.
 */
public final class ReflectionConflicts {

  private static final Logger log = LoggerFactory.getLogger(ReflectionConflicts.class);

  private ReflectionConflicts() {}

  /**
   * Checks the files behind the services and their imports, when a contract loaded at run time is
   * among them. Services generated at build time alone are left alone: their files were compiled
   * together or shipped by their own builds, and asking for their descriptors would make a cold
   * server parse every file at start instead of at the first reflection call.
   *
   * @throws IllegalArgumentException naming a symbol and the two files that define it
   */
  public static void check(List<ServerServiceDefinition> services) {
    boolean loadedAtRunTime = false;
    for (ServerServiceDefinition service : services) {
      loadedAtRunTime |= DynamicMethods.servesLoadedContract(service);
    }
    if (!loadedAtRunTime) {
      return;
    }
    Map<String, FileDescriptor> filesByName = new HashMap<>();
    Map<String, String> fileBySymbol = new HashMap<>();
    Queue<FileDescriptor> pending = new ArrayDeque<>();
    for (ServerServiceDefinition service : services) {
      if (service.getServiceDescriptor().getSchemaDescriptor()
          instanceof ProtoFileDescriptorSupplier supplier) {
        pending.add(supplier.getFileDescriptor());
      }
    }
    while (!pending.isEmpty()) {
      FileDescriptor file = pending.remove();
      FileDescriptor known = filesByName.putIfAbsent(file.getName(), file);
      if (known != null) {
        if (known != file && !withoutSourceInfo(known).equals(withoutSourceInfo(file))) {
          log.warn(
              "two different contracts are named {}; reflection will describe only one of them",
              file.getName());
        }
        continue;
      }
      for (String symbol : symbols(file)) {
        String other = fileBySymbol.putIfAbsent(symbol, file.getName());
        if (other != null && !other.equals(file.getName())) {
          throw new IllegalArgumentException(
              "reflection cannot describe "
                  + symbol
                  + ": it is defined in both "
                  + other
                  + " and "
                  + file.getName()
                  + "; load the contract from one set of files, or turn "
                  + "reflection off");
        }
      }
      pending.addAll(file.getDependencies());
    }
  }

  // Comments and positions differ between protoc's output and a parser's without changing the
  // contract.
  private static com.google.protobuf.DescriptorProtos.FileDescriptorProto withoutSourceInfo(
      FileDescriptor file) {
    return file.toProto().toBuilder().clearSourceCodeInfo().build();
  }

  private static List<String> symbols(FileDescriptor file) {
    List<String> symbols = new ArrayList<>();
    for (ServiceDescriptor service : file.getServices()) {
      symbols.add(service.getFullName());
      service.getMethods().forEach(method -> symbols.add(method.getFullName()));
    }
    for (Descriptor type : file.getMessageTypes()) {
      addTypes(type, symbols);
    }
    return symbols;
  }

  private static void addTypes(Descriptor type, List<String> symbols) {
    symbols.add(type.getFullName());
    type.getNestedTypes().forEach(nested -> addTypes(nested, symbols));
  }
}
