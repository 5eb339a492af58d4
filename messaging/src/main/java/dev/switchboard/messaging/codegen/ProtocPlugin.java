package dev.switchboard.messaging.codegen;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code protoc-gen-switchboard-messaging}: reads a CodeGeneratorRequest on stdin, writes a
 * CodeGeneratorResponse on stdout, as every protoc plugin does. For each service of each file to
 * generate it writes {@code <Service>Messaging.java} next to protoc's Java classes for the file
 * (run it with {@code --java_out} to the same directory).
 *
 * <pre>
 * protoc --plugin=protoc-gen-switchboard-messaging=bin/protoc-gen-switchboard-messaging \
 *     --java_out=gen --switchboard-messaging_out=gen -I protos shop/v1/orders.proto
 * </pre>
 *
 * <p>A contract whose messaging options do not make sense (an unknown field in a subject template,
 * a streaming method) is reported through protoc as an error naming the method.
 */
public final class ProtocPlugin {
  private ProtocPlugin() {}

  public static void main(String[] args) throws IOException {
    CodeGeneratorResponse response = generate(System.in);
    OutputStream out = System.out;
    response.writeTo(out);
    out.flush();
  }

  /** Answers one request; errors go into the response, as protoc expects. */
  static CodeGeneratorResponse generate(InputStream in) throws IOException {
    CodeGeneratorRequest request = CodeGeneratorRequest.parseFrom(in);
    CodeGeneratorResponse.Builder response =
        CodeGeneratorResponse.newBuilder()
            .setSupportedFeatures(CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE);
    Map<String, FileDescriptor> built = new HashMap<>();
    List<String> problems = new ArrayList<>();
    try {
      for (FileDescriptorProto proto : request.getProtoFileList()) {
        FileDescriptor[] dependencies = new FileDescriptor[proto.getDependencyCount()];
        for (int i = 0; i < dependencies.length; i++) {
          dependencies[i] = built.get(proto.getDependency(i));
        }
        built.put(proto.getName(), FileDescriptor.buildFrom(proto, dependencies));
      }
    } catch (DescriptorValidationException e) {
      return response.setError("cannot link the contract: " + e.getMessage()).build();
    }
    for (String name : request.getFileToGenerateList()) {
      FileDescriptor file = built.get(name);
      if (file == null) {
        problems.add(name + ": not in the request");
        continue;
      }
      for (ServiceDescriptor service : file.getServices()) {
        try {
          ServiceGenerator generator = new ServiceGenerator(service);
          response.addFile(
              CodeGeneratorResponse.File.newBuilder()
                  .setName(generator.path())
                  .setContent(generator.source()));
        } catch (IllegalArgumentException e) {
          problems.add(name + ": " + e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      response.clearFile().setError(String.join("\n", problems));
    }
    return response.build();
  }
}
