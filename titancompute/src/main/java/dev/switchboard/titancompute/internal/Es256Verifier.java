package dev.switchboard.titancompute.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.util.Set;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * ES256 verifier on BouncyCastle's lightweight API, the counterpart of {@link Es256Signer}. The
 * public point is decoded and validated once per key; BouncyCastle caches its multiplication
 * tables on that point object, so every later verification with the same verifier reuses them.
 * Thread-safe: only immutable key parameters are shared, the BouncyCastle signer is per call.
 *
 * <p>Rejects anything but a 64-byte R || S signature and any header with critical parameters
 * (we understand none), as the JWS specification requires.
 */
public final class Es256Verifier implements JWSVerifier {
  private final ECPublicKeyParameters key;
  private final JCAContext jca = new JCAContext();

  /** @param key a P-256 public key (a private part, if present, is ignored) */
  public Es256Verifier(ECKey key) throws JOSEException {
    if (!Curve.P_256.equals(key.getCurve())) {
      throw new JOSEException("ES256 needs a P-256 key, key " + key.getKeyID() + " is on " + key.getCurve());
    }
    try {
      // validatePoint rejects coordinates that are not on the curve (invalid-curve attacks).
      this.key = new ECPublicKeyParameters(
          P256.domain().getCurve().validatePoint(key.getX().decodeToBigInteger(), key.getY().decodeToBigInteger()),
          P256.domain());
    } catch (IllegalArgumentException e) {
      throw new JOSEException("key " + key.getKeyID() + " is not a valid P-256 point: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw new JOSEException("this verifier checks ES256 signatures, the header says " + header.getAlgorithm());
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return false;
    }
    byte[] rs = signature.decode();
    if (rs.length != 2 * P256.FIELD_BYTES) {
      return false;
    }
    BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(rs, 0, P256.FIELD_BYTES));
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(rs, P256.FIELD_BYTES, rs.length));
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, key);
    // BouncyCastle rejects r or s outside [1, n-1] itself.
    return verifier.verifySignature(P256.sha256(signingInput), r, s);
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.ES256);
  }

  /** Not used: no JCA provider is involved. Present because nimbus's interface requires it. */
  @Override
  public JCAContext getJCAContext() {
    return jca;
  }
}
