package dev.switchboard.titancompute;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.ECKey;
import dev.switchboard.titancompute.internal.Es256Signer;
import dev.switchboard.titancompute.internal.Es256Verifier;

/**
 * The ES256 (ECDSA on P-256 with SHA-256) signer and verifier of TitanCompute's routing tokens, as
 * nimbus-jose-jwt {@link JWSSigner} and {@link JWSVerifier}: for code that checks tokens outside an
 * {@code Agent}, or measures what they cost. Signatures use RFC 6979 deterministic nonces and the
 * standard JWS form (R || S), so any JOSE library verifies them; docs/titancompute.md says how they
 * are made and what the tests prove.
 */
public final class Es256 {
  private Es256() {}

  /** A signer for {@code key}, a P-256 key with its private part; thread-safe. */
  public static JWSSigner signer(ECKey key) throws JOSEException {
    return new Es256Signer(key);
  }

  /**
   * A verifier for {@code key}'s public part; thread-safe. Building one precomputes tables of the
   * key's multiples (about 40 ms and 512 KB), so build it once per key and keep it.
   */
  public static JWSVerifier verifier(ECKey key) throws JOSEException {
    return new Es256Verifier(key);
  }
}
