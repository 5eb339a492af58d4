package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.internal.AutoMtls;
import dev.switchboard.plugin.internal.CertificateSamples;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AutoMTLS certificate's DER is written by hand ({@code internal.SelfSignedCertificate}), so
 * two parsers nobody here wrote read it: openssl ({@code x509 -text -noout}, and {@code verify} for
 * the self-signature) and Go's crypto/x509, which go-plugin's hosts and plugins parse it with. Both
 * must accept every certificate and agree, with each other and with go-plugin's {@code mtls.go}
 * shape, on curve, signature algorithm, names, CA constraint, key usage, extended key usage, SAN
 * and validity.
 */
class SelfSignedCertificateIT {

  private record Sample(String name, X509Certificate certificate, String curve, String hash) {}

  @Test
  void opensslAndGoReadOurCertificatesAlike(@TempDir Path dir) throws Exception {
    Instant now = Instant.now();
    List<Sample> samples =
        List.of(
            new Sample("p256", AutoMtls.generate().certificate(), "P-256", "SHA256"),
            new Sample("p384", AutoMtls.generate("secp384r1").certificate(), "P-384", "SHA384"),
            new Sample("p521", AutoMtls.generate("secp521r1").certificate(), "P-521", "SHA512"),
            // Past 2049 RFC 5280 switches from UTCTime to GeneralizedTime.
            new Sample(
                "p256-2050",
                CertificateSamples.validBetween(
                    "secp256r1", now.minusSeconds(30), Instant.parse("2051-06-30T12:34:56Z")),
                "P-256",
                "SHA256"));
    List<String> files = new ArrayList<>();
    for (Sample sample : samples) {
      Path file = dir.resolve(sample.name() + ".pem");
      Files.writeString(file, pem(sample.certificate()));
      files.add(file.toString());
    }
    Path openssl = PeerPrograms.onPath("openssl", "openssl");
    List<String> go = new ArrayList<>(List.of(Peers.goCertInfo().toString()));
    go.addAll(files);
    TestProcess.Result goRun = TestProcess.builder(go).run(Duration.ofSeconds(60));
    assertThat(goRun.exitCode())
        .as("crypto/x509 parses every certificate: " + goRun.output())
        .isZero();
    List<String> goLines = goRun.stdout().lines().toList();
    assertThat(goLines).hasSize(samples.size());
    ObjectMapper json = new ObjectMapper();

    for (int i = 0; i < samples.size(); i++) {
      Sample sample = samples.get(i);
      X509Certificate certificate = sample.certificate();
      Instant notBefore = certificate.getNotBefore().toInstant();
      Instant notAfter = certificate.getNotAfter().toInstant();

      TestProcess.Result text =
          TestProcess.builder(openssl.toString(), "x509", "-text", "-noout", "-in", files.get(i))
              .run(Duration.ofSeconds(60));
      assertThat(text.exitCode()).as(sample.name() + ": " + text.output()).isZero();
      assertThat(text.stderr()).as(sample.name() + ": openssl's complaints").isEmpty();
      Map<String, Object> fromOpenssl = opensslFields(text.stdout());
      TestProcess.Result verify =
          TestProcess.builder(
                  openssl.toString(),
                  "verify",
                  "-check_ss_sig",
                  "-x509_strict",
                  "-CAfile",
                  files.get(i),
                  files.get(i))
              .run(Duration.ofSeconds(60));
      assertThat(verify.output()).as(sample.name() + " self-signature").contains(": OK");

      JsonNode fromGo = json.readTree(goLines.get(i));
      Map<String, Object> goFields = new LinkedHashMap<>();
      goFields.put("curve", fromGo.get("curve").asText());
      goFields.put("signature", fromGo.get("signatureAlgorithm").asText().replace("ECDSA-", ""));
      goFields.put("subject", fromGo.get("subject").asText());
      goFields.put("issuer", fromGo.get("issuer").asText());
      goFields.put(
          "ca", fromGo.get("isCA").asBoolean() && fromGo.get("basicConstraintsValid").asBoolean());
      goFields.put("keyUsage", strings(fromGo.get("keyUsage")));
      goFields.put("extKeyUsage", strings(fromGo.get("extKeyUsage")));
      goFields.put("san", strings(fromGo.get("dnsNames")));
      goFields.put("notBefore", Instant.parse(fromGo.get("notBefore").asText()));
      goFields.put("notAfter", Instant.parse(fromGo.get("notAfter").asText()));

      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("curve", sample.curve());
      expected.put("signature", sample.hash());
      expected.put("subject", "CN=localhost,O=Switchboard");
      expected.put("issuer", "CN=localhost,O=Switchboard");
      expected.put("ca", true);
      // go-plugin's mtls.go: DigitalSignature | KeyEncipherment | KeyAgreement | CertSign.
      expected.put(
          "keyUsage",
          List.of("digitalSignature", "keyEncipherment", "keyAgreement", "keyCertSign"));
      expected.put("extKeyUsage", List.of("clientAuth", "serverAuth"));
      expected.put("san", List.of("localhost"));
      expected.put("notBefore", notBefore.truncatedTo(ChronoUnit.SECONDS));
      expected.put("notAfter", notAfter.truncatedTo(ChronoUnit.SECONDS));

      assertThat(goFields).as(sample.name() + " read by Go").isEqualTo(expected);
      assertThat(fromOpenssl).as(sample.name() + " read by openssl").isEqualTo(expected);
      assertThat(fromGo.get("selfSigned").asBoolean())
          .as(sample.name() + ": Go verifies the self-signature")
          .isTrue();
    }
  }

  /** The same fields out of {@code openssl x509 -text}, named and ordered as Go's. */
  private static Map<String, Object> opensslFields(String text) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("curve", find(text, "NIST CURVE: (\\S+)"));
    fields.put("signature", find(text, "Signature Algorithm: ecdsa-with-(\\S+)"));
    fields.put("subject", distinguishedName(find(text, "Subject: (.+)")));
    fields.put("issuer", distinguishedName(find(text, "Issuer: (.+)")));
    fields.put(
        "ca",
        text.contains("X509v3 Basic Constraints: critical")
            && find(text, "X509v3 Basic Constraints: critical\\s+(\\S+)").equals("CA:TRUE"));
    Map<String, String> keyUsage =
        Map.of(
            "Digital Signature", "digitalSignature",
            "Key Encipherment", "keyEncipherment",
            "Key Agreement", "keyAgreement",
            "Certificate Sign", "keyCertSign");
    fields.put("keyUsage", names(find(text, "X509v3 Key Usage: critical\\s+(.+)"), keyUsage));
    fields.put(
        "extKeyUsage",
        names(
            find(text, "X509v3 Extended Key Usage:\\s*\\n\\s+(.+)"),
            Map.of(
                "TLS Web Client Authentication", "clientAuth",
                "TLS Web Server Authentication", "serverAuth")));
    List<String> san = new ArrayList<>();
    for (String entry : find(text, "X509v3 Subject Alternative Name:\\s*\\n\\s+(.+)").split(",")) {
      san.add(entry.trim().replaceFirst("^DNS:", ""));
    }
    fields.put("san", san);
    fields.put("notBefore", opensslTime(find(text, "Not Before: (.+)")));
    fields.put("notAfter", opensslTime(find(text, "Not After : (.+)")));
    return fields;
  }

  private static String find(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as("openssl printed /%s/ in:%n%s", regex, text).isTrue();
    return matcher.group(1).trim();
  }

  /** openssl's {@code O = Switchboard, CN = localhost} as Go prints it: most specific first. */
  private static String distinguishedName(String openssl) {
    List<String> parts = new ArrayList<>();
    for (String part : openssl.split(",")) {
      parts.add(0, part.trim().replace(" = ", "="));
    }
    return String.join(",", parts);
  }

  private static List<String> names(String list, Map<String, String> known) {
    List<String> names = new ArrayList<>();
    for (String name : list.split(",")) {
      names.add(known.getOrDefault(name.trim(), "unknown: " + name.trim()));
    }
    return names;
  }

  /** {@code Jun 30 12:34:56 2051 GMT}; openssl pads single-digit days with a space. */
  private static Instant opensslTime(String text) {
    return LocalDateTime.parse(
            text.replaceAll("\\s+", " "),
            DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy 'GMT'", Locale.ROOT))
        .toInstant(ZoneOffset.UTC);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static String pem(X509Certificate certificate) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
