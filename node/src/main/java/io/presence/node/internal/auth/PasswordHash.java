package io.presence.node.internal.auth;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Password hashes as deepstream's users.yml holds them: base64 of PBKDF2(password, salt,
 * iterations, key length, digest), followed by the salt, which is 16 random bytes in base64 and
 * enters PBKDF2 as that text's bytes. Thread-safe.
 */
public final class PasswordHash {

    private static final Map<String, Supplier<Digest>> DIGESTS = Map.of(
            "md5", MD5Digest::new,
            "sha1", SHA1Digest::new,
            "sha224", SHA224Digest::new,
            "sha256", SHA256Digest::new,
            "sha384", SHA384Digest::new,
            "sha512", SHA512Digest::new);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<Digest> digest;
    private final int iterations;
    private final int keyLength;
    /** How long the hash part of a stored value is: base64 of keyLength bytes. */
    private final int hashChars;

    /** @throws IllegalArgumentException for a digest deepstream's files would not name */
    public PasswordHash(String digest, int iterations, int keyLength) {
        this.digest = DIGESTS.get(digest.toLowerCase(java.util.Locale.ROOT));
        if (this.digest == null) {
            throw new IllegalArgumentException("unknown hash '" + digest + "' (known: " + DIGESTS.keySet() + ")");
        }
        this.iterations = iterations;
        this.keyLength = keyLength;
        this.hashChars = 4 * ((keyLength + 2) / 3);
    }

    /** A stored value for {@code password}, with a new random salt. */
    public String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String saltText = Base64.getEncoder().encodeToString(salt);
        return Base64.getEncoder().encodeToString(derive(password, saltText)) + saltText;
    }

    /** Whether {@code password} is the one {@code stored} was made from; compares in constant time. */
    public boolean matches(String password, String stored) {
        if (stored == null || stored.length() <= hashChars) {
            return false;
        }
        byte[] expected = stored.substring(0, hashChars).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = Base64.getEncoder().encodeToString(derive(password, stored.substring(hashChars)))
                .getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }

    private byte[] derive(String password, String salt) {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(digest.get());
        generator.init(password.getBytes(StandardCharsets.UTF_8), salt.getBytes(StandardCharsets.UTF_8), iterations);
        return ((KeyParameter) generator.generateDerivedParameters(keyLength * 8)).getKey();
    }
}
