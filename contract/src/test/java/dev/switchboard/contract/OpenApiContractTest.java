package dev.switchboard.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiContractTest {
  @Test
  void loadsYamlKeepingInternalReferences(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("api.yaml");
    Files.writeString(
        file,
        """
        openapi: 3.0.3
        info: {title: Pets, version: 2.0.0}
        paths:
          /pets:
            get:
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Pet'}
        components:
          schemas:
            Pet: {type: object, properties: {name: {type: string}}}
        """);
    OpenApiContract contract = OpenApiContract.load(file.toString());
    assertThat(contract.model().getInfo().getTitle()).isEqualTo("Pets");
    assertThat(
            contract
                .model()
                .getPaths()
                .get("/pets")
                .getGet()
                .getResponses()
                .get("200")
                .getContent()
                .get("application/json")
                .getSchema()
                .get$ref())
        .isEqualTo("#/components/schemas/Pet");
  }

  @Test
  void locatesParserMessagesAsJsonPointers() throws Exception {
    OpenApiContract contract =
        OpenApiContract.parse(
            """
        {"openapi": "3.0.0", "info": {"title": "x", "version": "1"},
         "paths": {"/a": {"get": {"bogus": 1, "responses": {"200": {"description": "ok"}}}}}}
        """,
            "doc.json");
    assertThat(contract.warnings()).isNotEmpty();
    assertThat(contract.warnings().get(0).location()).isEqualTo("doc.json#/paths/~1a/get/bogus");
  }

  @Test
  void loadsFromAUrl() throws Exception {
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body =
        """
        {"openapi": "3.0.0", "info": {"title": "Remote", "version": "3.1.4"}, "paths": {}}
        """
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    server.createContext(
        "/openapi.json",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/openapi.json";
      OpenApiContract contract = OpenApiContract.load(url);
      assertThat(contract.model().getInfo().getVersion()).isEqualTo("3.1.4");
      assertThat(contract.location()).isEqualTo(url);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void rejectsWhatIsNotOpenApi() {
    assertThatThrownBy(() -> OpenApiContract.parse("just: [text", "bad.yaml"))
        .isInstanceOf(ContractException.class)
        .hasMessageContaining("bad.yaml");
    assertThatThrownBy(() -> OpenApiContract.load("missing.yaml"))
        .isInstanceOf(ContractException.class)
        .hasMessageContaining("no such file");
  }
}
