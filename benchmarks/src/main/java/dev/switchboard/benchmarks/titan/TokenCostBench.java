package dev.switchboard.benchmarks.titan;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.titancompute.Es256;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * CPU cost of one ES256 signature and one verification: TitanCompute's signer and verifier ({@link
 * Es256}: RFC 6979 nonces, a signed-window table for {@code k·G}, per-key tables for verification)
 * against BouncyCastle's own {@code ECDSASigner} (RFC 6979, its comb multiplier) and the JDK's
 * {@code SHA256withECDSA} (SunEC), and the agent's whole token check (nimbus parse + verify). Each
 * piece runs for a while on 1 thread and then on several threads at once: CPU time per operation,
 * summed over the threads (ThreadMXBean), so other processes' load matters less than for wall-clock
 * rates. {@code TitanBench} measures the signature against Go's in the same run as the route.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.switchboard.benchmarks.titan.TokenCostBench
 * [--seconds 3] [--threads 4] [--repeat 3]}.
 */
public final class TokenCostBench {
  private TokenCostBench() {}

  @FunctionalInterface
  private interface Op {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    double seconds = Double.parseDouble(opts.getOrDefault("seconds", "3"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "4"));
    int repeat = Integer.parseInt(opts.getOrDefault("repeat", "3"));

    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
    X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
    ECDomainParameters domain =
        new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
    ECPrivateKeyParameters bcPrivate =
        new ECPrivateKeyParameters(key.getD().decodeToBigInteger(), domain);
    ECPublicKeyParameters bcPublic =
        new ECPublicKeyParameters(
            domain
                .getCurve()
                .validatePoint(key.getX().decodeToBigInteger(), key.getY().decodeToBigInteger()),
            domain);
    JWSSigner signer = Es256.signer(key);
    JWSVerifier verifier = Es256.verifier(key.toPublicJWK());
    ECPrivateKey jdkPrivate = key.toECPrivateKey();
    ECPublicKey jdkPublic = key.toECPublicKey();

    // A token shaped like the coordinator's.
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("bench").build(),
            new JWTClaimsSet.Builder()
                .issuer("titancompute-coordinator")
                .subject("bench")
                .audience("agent-1")
                .claim("model", "bench-model")
                .jwtID("0b7f5a8e-5d1c-4c39-9a0e-6f2f4a1b3c5d")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)))
                .build());
    jwt.sign(signer);
    String token = jwt.serialize();
    byte[] signingInput = jwt.getSigningInput();
    Base64URL encodedSignature = jwt.getSignature();
    byte[] signature = encodedSignature.decode();
    JWSHeader header = jwt.getHeader();
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));

    // TitanCompute's own code runs first in each group: BouncyCastle's signer and verifier call the
    // same field arithmetic, and when they run first the JIT compiles it for their call sites,
    // which
    // slowed our signer by half in one JVM (a coordinator only ever runs ours).
    Map<String, Op> ops = new LinkedHashMap<>();
    ops.put("sign: TitanCompute Es256", () -> signer.sign(header, signingInput));
    ops.put(
        "sign: BouncyCastle ECDSASigner (RFC 6979)",
        () -> {
          ECDSASigner bc = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
          bc.init(true, bcPrivate);
          bc.generateSignature(sha256(signingInput));
        });
    ops.put(
        "sign: JDK SHA256withECDSA",
        () -> {
          Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
          jdk.initSign(jdkPrivate);
          jdk.update(signingInput);
          jdk.sign();
        });
    ops.put(
        "verify: TitanCompute Es256",
        () -> check(verifier.verify(header, signingInput, encodedSignature)));
    ops.put(
        "verify: BouncyCastle ECDSASigner",
        () -> {
          ECDSASigner bc = new ECDSASigner();
          bc.init(false, bcPublic);
          check(bc.verifySignature(sha256(signingInput), r, s));
        });
    ops.put(
        "verify: JDK SHA256withECDSA",
        () -> {
          Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
          jdk.initVerify(jdkPublic);
          jdk.update(signingInput);
          check(jdk.verify(signature));
        });
    ops.put(
        "token check: nimbus parse + Es256 verify",
        () -> check(SignedJWT.parse(token).verify(verifier)));

    System.out.printf(
        Locale.ROOT,
        "TokenCostBench: %.1f s per measurement, best of %d, 1 and %d threads, %d cores%n",
        seconds,
        repeat,
        threads,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-44s %14s %14s %16s%n",
        "CPU per operation (best)",
        "1 thread",
        threads + " threads",
        threads + " threads ops/s");
    for (Map.Entry<String, Op> op : ops.entrySet()) {
      measure(op.getValue(), 1, seconds); // warm-up
      double one = Double.MAX_VALUE;
      double many = Double.MAX_VALUE;
      double rate = 0;
      for (int i = 0; i < repeat; i++) {
        one = Math.min(one, measure(op.getValue(), 1, seconds)[0]);
        double[] m = measure(op.getValue(), threads, seconds);
        many = Math.min(many, m[0]);
        rate = Math.max(rate, m[1]);
      }
      System.out.printf(
          Locale.ROOT, "%-44s %11.1f us %11.1f us %16.0f%n", op.getKey(), one, many, rate);
    }
  }

  /**
   * CPU microseconds per operation summed over {@code threads} threads running it for {@code
   * seconds}, and operations per wall-clock second (which also shows time lost waiting on locks).
   */
  private static double[] measure(Op op, int threads, double seconds) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    AtomicLong cpu = new AtomicLong();
    AtomicLong count = new AtomicLong();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    long started = System.nanoTime();
    long end = started + (long) (seconds * 1e9);
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread =
          new Thread(
              () -> {
                long start = mx.getCurrentThreadCpuTime();
                long n = 0;
                try {
                  while (System.nanoTime() < end) {
                    op.run();
                    n++;
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
                cpu.addAndGet(mx.getCurrentThreadCpuTime() - start);
                count.addAndGet(n);
              });
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("operation failed", errors.get(0));
    }
    return new double[] {cpu.get() / 1e3 / count.get(), count.get() / seconds};
  }

  private static byte[] sha256(byte[] input) {
    SHA256Digest digest = new SHA256Digest();
    digest.update(input, 0, input.length);
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }

  private static void check(boolean ok) {
    if (!ok) {
      throw new IllegalStateException("signature did not verify");
    }
  }
}
