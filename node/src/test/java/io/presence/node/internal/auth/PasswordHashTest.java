package io.presence.node.internal.auth;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class PasswordHashTest {

    /** deepstream's own conf/users.yml: "password" with its default settings (md5, 100, 32). */
    private static final String DEEPSTREAM_SAMPLE = "rCOSZxJrgze2AZdVQh12c6ErDMOG0M+Rx5Yu7S5d91c=GS4SbTQYmoaGwjm2shEobg==";

    @Test
    void aHashFromDeepstreamsSampleUsersFileMatchesItsPassword() {
        PasswordHash hash = new PasswordHash("md5", 100, 32);
        assertTrue(hash.matches("password", DEEPSTREAM_SAMPLE));
        assertFalse(hash.matches("Password", DEEPSTREAM_SAMPLE));
        assertFalse(hash.matches("password", "short"));
    }

    @Test
    void aNewHashMatchesItsPasswordOnlyAndIsSaltedEachTime() {
        PasswordHash hash = new PasswordHash("sha256", 1000, 32);
        String first = hash.hash("s3cret");
        assertTrue(hash.matches("s3cret", first));
        assertFalse(hash.matches("s3cret!", first));
        assertNotEquals(first, hash.hash("s3cret"));
    }

    @Test
    void anUnknownDigestIsRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHash("whirlpool-ish", 100, 32));
    }
}
