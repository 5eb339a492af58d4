package dev.switchboard.plugin;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds and builds the real peers the integration tests run against: the Go KV host and plugin
 * (built in GOPATH mode against Debian's go-plugin, offline), the Python KV plugin and the Java
 * plugins of this module. A missing peer fails the test with the Debian package to install.
 */
final class Peers {
  static final Path MODULE = Path.of(System.getProperty("user.dir"));
  static final Path TARGET = MODULE.resolve("target");
  private static final Path GO_WORK = TARGET.resolve("go");
  private static final Path GOCODE = Path.of("/usr/share/gocode");

  private static Path goBin;

  private Peers() {}

  /** The Python KV plugin's command line. */
  static List<String> pythonPlugin() {
    Path python = PeerPrograms.python("grpc, google.protobuf", "python3-grpcio");
    return List.of(python.toString(), MODULE.resolve("src/test/python/kv_plugin.py").toString());
  }

  /** The same, checked for what its AutoMTLS needs too (certificates from python3-cryptography). */
  static List<String> pythonPluginWithAutoMtls() {
    List<String> command = pythonPlugin();
    PeerPrograms.python("cryptography.x509", "python3-cryptography");
    return command;
  }

  /** The Java KV plugin as bin/kv-plugin starts it (shaded jar, class-data sharing). */
  static List<String> javaKvPluginScript() {
    Path script = MODULE.getParent().resolve("bin/kv-plugin");
    if (!Files.isExecutable(script)) {
      throw new AssertionError("bin/kv-plugin is missing or not executable");
    }
    return List.of(script.toString());
  }

  static synchronized Path goHost() throws Exception {
    buildGo();
    return goBin.resolve("kvhost");
  }

  static synchronized Path goPlugin() throws Exception {
    buildGo();
    return goBin.resolve("kvplugin");
  }

  /** The Go host of the broker tests (src/test/go/src/counterhost). */
  static synchronized Path goCounterHost() throws Exception {
    buildGo();
    return goBin.resolve("counterhost");
  }

  /** The Go Counter plugin of the broker tests (src/test/go/src/counterplugin). */
  static synchronized Path goCounterPlugin() throws Exception {
    buildGo();
    return goBin.resolve("counterplugin");
  }

  /**
   * The Go program that prints what crypto/x509 reads from certificates (src/test/go/src/certinfo).
   */
  static synchronized Path goCertInfo() throws Exception {
    buildGo();
    return goBin.resolve("certinfo");
  }

  /**
   * Copies src/test/go into target/go (a GOPATH), generates the .pb.go files from the KV contract
   * and the Counter contract with Debian's protoc and protoc-gen-go, and builds with
   * GO111MODULE=off against /usr/share/gocode.
   */
  private static void buildGo() throws Exception {
    if (goBin != null) {
      return;
    }
    Path go = PeerPrograms.onPath("go", "golang-go");
    Path protoc = PeerPrograms.protoc();
    PeerPrograms.onPath("protoc-gen-go", "golang-goprotobuf-dev");
    if (!Files.isDirectory(GOCODE.resolve("src/github.com/hashicorp/go-plugin"))) {
      throw new AssertionError(
          "go-plugin sources are missing: install the Debian package golang-github-hashicorp-go-plugin-dev");
    }
    if (!Files.isDirectory(GOCODE.resolve("src/google.golang.org/grpc"))) {
      throw new AssertionError(
          "grpc-go sources are missing: install the Debian package golang-google-grpc-dev");
    }
    Path src = GO_WORK.resolve("src");
    Path sources = MODULE.resolve("src/test/go/src");
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path to = src.resolve(sources.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Path kvproto = src.resolve("kvproto");
    Files.createDirectories(kvproto);
    Path protoDir = MODULE.resolve("src/examples/proto");
    run(
        List.of(
            protoc.toString(),
            "-I",
            protoDir.toString(),
            "--go_out=plugins=grpc:" + kvproto,
            "kv.proto"),
        Map.of());
    Path counterproto = src.resolve("counterproto");
    Files.createDirectories(counterproto);
    run(
        List.of(
            protoc.toString(),
            "-I",
            protoDir.toString(),
            "--go_out=plugins=grpc:" + counterproto,
            "counter.proto"),
        Map.of());
    Map<String, String> env =
        Map.of(
            "GOPATH", GO_WORK + File.pathSeparator + GOCODE,
            "GO111MODULE", "off",
            "GOFLAGS", "",
            "GOCACHE", GO_WORK.resolve("cache").toString(),
            "GOPROXY", "off");
    Path bin = GO_WORK.resolve("bin");
    for (String program :
        List.of("kvhost", "kvplugin", "counterhost", "counterplugin", "certinfo")) {
      run(List.of(go.toString(), "build", "-o", bin.resolve(program).toString(), program), env);
    }
    goBin = bin;
  }

  private static void run(List<String> command, Map<String, String> env) throws IOException {
    Files.createDirectories(GO_WORK);
    TestProcess.builder(command)
        .directory(GO_WORK)
        .env(env)
        .run(Duration.ofSeconds(300))
        .assertSuccess();
  }
}
