package dev.switchboard.titancompute.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * ES256 signer on BouncyCastle's lightweight API. Going through JCA (nimbus's {@code ECDSASigner}
 * with BouncyCastle's provider) converts the key, looks up the provider and transcodes DER on
 * every signature, which is about three times the cost of the signature itself; here the private
 * key parameters are built once per key and only a (cheap, not thread-safe) BouncyCastle
 * {@code ECDSASigner} is created per call, so one instance can be shared by all threads.
 *
 * <p>The nonce is derived deterministically (RFC 6979), so signing neither draws from nor contends
 * on a shared SecureRandom. The output is the standard JWS form (R || S, 32 bytes each), which any
 * JOSE library verifies.
 */
public final class Es256Signer implements JWSSigner {
  private final ECPrivateKeyParameters key;
  private final JCAContext jca = new JCAContext();

  /** @param key a P-256 key with its private part */
  public Es256Signer(ECKey key) throws JOSEException {
    if (!Curve.P_256.equals(key.getCurve())) {
      throw new JOSEException("ES256 needs a P-256 key, key " + key.getKeyID() + " is on " + key.getCurve());
    }
    if (key.getD() == null) {
      throw new JOSEException("key " + key.getKeyID() + " has no private part to sign with");
    }
    this.key = new ECPrivateKeyParameters(key.getD().decodeToBigInteger(), P256.domain());
  }

  @Override
  public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw new JOSEException("this signer makes ES256 signatures, the header asks for " + header.getAlgorithm());
    }
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, key);
    BigInteger[] rs = signer.generateSignature(P256.sha256(signingInput));
    return Base64URL.encode(P256.concat(rs[0], rs[1]));
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
