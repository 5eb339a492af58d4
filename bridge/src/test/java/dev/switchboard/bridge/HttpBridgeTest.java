package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP path against a stateful server on a real socket ({@link FeatureServer}): ETag and
 * If-Match round trips, every parameter style, cookies, credentials where each scheme puts them,
 * retries that honour Retry-After in both forms (and none for POST), multipart, forms and bytes,
 * problem+json errors, and validation that sends nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpBridgeTest {
  private FeatureServer server;
  private WitTypes types;
  private Stub stub;

  @BeforeAll
  void start() throws Exception {
    server = new FeatureServer();
    types = Contracts.openApi(Contracts.RESOURCES.resolve("openapi/features.yaml"));
    stub =
        Bridge.open(
            types,
            BridgeConfig.builder()
                .baseUrl(URI.create(server.baseUrl()))
                .basicAuth("ann", Secret.of("pa55"))
                .apiKey(Secret.of("k3y"))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build());
  }

  @AfterAll
  void stop() {
    stub.close();
    server.close();
  }

  private WitValue arg(String function, int param, String wave) {
    return Wave.parse(types, types.function(function).function().params().get(param).type(), wave);
  }

  @Test
  void etagAndIfMatchRoundTrip() {
    WitValue.ResultValue got = stub.invoke("notes-resource.get", WitValue.string("n1"));
    assertThat(Wave.print(got))
        .isEqualTo("ok({id: some(\"n1\"), text: \"first\", version: some(\"\\\"v1\\\"\")})");
    WitValue.RecordValue note = (WitValue.RecordValue) got.payload();
    String etag = ((WitValue.Str) ((WitValue.OptionValue) note.get("version")).value()).value();
    WitValue update =
        arg(
            "notes-resource.update",
            1,
            "{expected-version: \""
                + etag.replace("\"", "\\\"")
                + "\", id: some(\"ignored\"), text: \"second\", secret: some(\"shh\"), tags: some([\"a\"]), due: none}");
    WitValue.ResultValue stored =
        stub.invoke("notes-resource.update", WitValue.string("n1"), update);
    assertThat(Wave.print(stored))
        .as("read-only id is not sent, the nullable required due is sent as null")
        .isEqualTo(
            "ok({id: some(\"n1\"), text: \"second\", tags: some([\"a\"]), version: some(\"\\\"v2\\\"\")})");
    WitValue.ResultValue stale =
        stub.invoke("notes-resource.update", WitValue.string("n1"), update);
    assertThat(Wave.print(stale)).startsWith("err(conflict({message: \"HTTP 412\", code: \"412\"");
    assertThat(server.seenAuthorization).contains("Basic YW5uOnBhNTU=");
  }

  @Test
  void problemDetailsFillNotFound() {
    assertThat(Wave.print(stub.invoke("notes-resource.get", WitValue.string("nope"))))
        .isEqualTo(
            "err(not-found({resource: \"/notes/{noteId}\", id: \"nope\", message: \"no note nope\"}))");
  }

  @Test
  void everyParameterStyleIsLaidOutAsTheSpecificationSays() {
    WitValue request =
        arg(
            "styles-resource.get",
            3,
            "{filter: some({color: some(\"red\"), size: some(3)}), ids: some([1, 2, 3]),"
                + " words: some([\"a b\", \"c\"]), q: some(\"a/b?c=d&e\"), plain: some(\"a/b?c\"),"
                + " x-trace: some([\"t1\", \"t2\"]), theme: some(\"dark mode\")}");
    WitValue.ResultValue r =
        stub.invoke(
            "styles-resource.get",
            List.of(
                arg("styles-resource.get", 0, "[\"x\", \"y\"]"),
                arg("styles-resource.get", 1, "[3, 4]"),
                WitValue.string("a b/c"),
                request));
    assertThat(r.isOk()).as(Wave.print(r)).isTrue();
    String echo = Wave.print(r);
    assertThat(echo)
        .contains("(\"path\", \"/v1/styles/.x.y/;matrix=3,4/a%20b%2Fc\")")
        .contains(
            "(\"query\", \"api_key=k3y&filter%5Bcolor%5D=red&filter%5Bsize%5D=3&ids=1%7C2%7C3&words=a%20b%20c&q=a/b?c=d&e&plain=a%2Fb%3Fc\")")
        .contains("(\"trace\", \"t1,t2\")")
        .contains("(\"cookie\", \"theme=dark%20mode\")")
        .contains("(\"accept\", \"application/json, application/problem+json\")");
  }

  @Test
  void idempotentCallsRetryHonouringRetryAfterInBothForms() {
    server.flakyGets.set(0);
    server.failuresBeforeSuccess = 2;
    long start = System.nanoTime();
    WitValue.ResultValue r = stub.invoke("flaky-collection.list");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(Wave.print(r)).isEqualTo("ok(\"ok after 3\")");
    assertThat(server.flakyGets.get()).isEqualTo(3);
    assertThat(millis).as("waited for both Retry-After values").isGreaterThanOrEqualTo(1000);
  }

  @Test
  void rateLimitedCarriesRetryAfterWhenRetriesRunOut() {
    server.flakyGets.set(1);
    server.failuresBeforeSuccess = 100;
    try (Stub once =
        Bridge.open(
            types,
            BridgeConfig.builder()
                .baseUrl(URI.create(server.baseUrl()))
                .apiKey(Secret.of("k3y"))
                .maxAttempts(1)
                .build())) {
      WitValue.ResultValue r = once.invoke("flaky-collection.list");
      assertThat(Wave.print(r))
          .matches(
              "err\\(rate-limited\\(\\{retry-after: some\\([01]\\), message: \"HTTP 429\"\\}\\)\\)");
    }
  }

  @Test
  void nonIdempotentCallsAreNotRetriedAndCarryTheCookieKey() {
    server.flakyPosts.set(0);
    WitValue.ResultValue r = stub.invoke("flaky-collection.create");
    assertThat(Wave.print(r)).startsWith("err(unavailable({message: \"HTTP 503\", code: \"503\"");
    assertThat(server.flakyPosts.get()).isEqualTo(1);
  }

  @Test
  void multipartSendsFilesAsFileParts() {
    WitValue request =
        arg(
            "uploads-collection.create",
            0,
            "{title: \"report\", file: [1, 2, 3, 4], meta: some({size: some(4)})}");
    String echo = Wave.print(stub.invoke("uploads-collection.create", request));
    assertThat(echo)
        .contains("(\"title\", \"text/plain; charset=UTF-8 report\")")
        .contains("(\"file\", \"application/octet-stream file 4 bytes\")")
        .contains("(\"meta\", \"application/json {\\\"size\\\":4}\")");
  }

  @Test
  void formsAndBytes() {
    WitValue form =
        arg(
            "forms-collection.create",
            0,
            "{name: some(\"Ann Lee\"), colors: some([\"red\", \"blue\"])}");
    assertThat(Wave.print(stub.invoke("forms-collection.create", form)))
        .isEqualTo("ok(\"application/x-www-form-urlencoded name=Ann+Lee&colors=red&colors=blue\")");
    assertThat(
            Wave.print(
                stub.invoke(
                    "blobs-collection.update", WitValue.bytes(new byte[] {1, 2, (byte) 250}))))
        .isEqualTo("ok(\"3 bytes, sum 253, application/octet-stream\")");
  }

  @Test
  void valuesThatBreakTheRulesAreNotSent() {
    int before = server.seenAuthorization.size();
    WitValue bad =
        arg(
            "notes-resource.update",
            1,
            "{expected-version: \"x\", text: \" padded \", priority: some(5.25), tags: some([\"a\", \"b\", \"c\", \"d\"]), due: some(\"2025-02-30\")}");
    WitValue.ResultValue r = stub.invoke("notes-resource.update", WitValue.string("n1"), bad);
    assertThat(Wave.print(r))
        .isEqualTo(
            "err(validation-error({message: \"5 values break the contract; nothing was sent\", fields: ["
                + "{field: \"request.text\", message: \"must match the pattern ^\\\\S(.*\\\\S)?$ (pattern)\"}, "
                + "{field: \"request.priority\", message: \"must be at most 5 (maximum), is 5.25\"}, "
                + "{field: \"request.priority\", message: \"must be a multiple of 0.5 (multipleOf), is 5.25\"}, "
                + "{field: \"request.tags\", message: \"may have at most 3 items (maxItems), has 4\"}, "
                + "{field: \"request.due\", message: \"must be an RFC 3339 full-date such as 2025-01-31 (format date)\"}]}))");
    assertThat(server.seenAuthorization).hasSize(before);
  }

  @Test
  void theDocumentsServerVariablesGiveTheDefaultBaseUrl() {
    try (Stub defaults =
        Bridge.open(
            types,
            BridgeConfig.builder().connectTimeout(Duration.ofMillis(300)).maxAttempts(1).build())) {
      WitValue.ResultValue r =
          defaults.invoke("blobs-collection.update", WitValue.bytes(new byte[] {1}));
      // nothing listens on localhost:8080 here; the message shows the URL the variables made
      assertThat(Wave.print(r)).contains("http://localhost:8080/v1/blobs");
    }
  }
}
