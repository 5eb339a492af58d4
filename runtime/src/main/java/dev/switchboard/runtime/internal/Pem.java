package dev.switchboard.runtime.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes PEM certificates and keys. BouncyCastle's parser is used because the JDK reads
 * neither PEM nor the PKCS#1 and SEC1 key formats that openssl and other tools commonly write.
 */
public final class Pem {

  private Pem() {}

  /** All certificates in a PEM file, in file order. */
  public static List<X509Certificate> readCertificates(Path file) {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new IllegalArgumentException(
          file + ": cannot read PEM certificates: " + describe(e), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(file + ": no 'BEGIN CERTIFICATE' block found");
    }
    return certificates;
  }

  /** The first private key in a PEM file (PKCS#8, PKCS#1 RSA or SEC1 EC; unencrypted). */
  public static PrivateKey readPrivateKey(Path file) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (item instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(file + ": cannot read PEM private key: " + describe(e), e);
    }
    throw new IllegalArgumentException(
        file
            + ": no unencrypted private key found (expected 'BEGIN PRIVATE KEY', 'BEGIN RSA PRIVATE KEY' "
            + "or 'BEGIN EC PRIVATE KEY')");
  }

  /** PEM text for certificates. */
  public static String certificates(List<X509Certificate> certificates) {
    return encode(certificates.toArray());
  }

  /** PKCS#8 PEM text for a private key, the format netty and most tools read. */
  public static String privateKey(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode private key", e);
    }
    return out.toString();
  }

  /**
   * Writes text to a new file readable and writable by its owner only (0600). The permissions are
   * set when the file is created, so the key is never readable by others, not even briefly.
   */
  public static void writePrivate(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): fall back to the platform default.
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new IOException(file + ": appeared while being written", e);
    }
    Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static String encode(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode PEM", e);
    }
    return out.toString();
  }

  private static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
