package io.presence.node.internal.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The two signatures every webhook POST carries, both HMAC-SHA256 with {@code webhook.secret}'s
 * UTF-8 bytes: ours ({@code X-Presence-Signature}, hex, of the raw body) and Standard Webhooks'
 * ({@code webhook-signature}: {@code v1,} and base64, of {@code id.timestamp.body}), so that
 * receivers can use that specification's ready-made verifiers, with its replay protection, given
 * the secret as {@code whsec_} followed by the secret's base64.
 */
final class WebhookSignatures {

    static final String ID_HEADER = "webhook-id";
    static final String TIMESTAMP_HEADER = "webhook-timestamp";
    static final String SIGNATURE_HEADER = "webhook-signature";

    private final SecretKeySpec key;

    WebhookSignatures(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** Ours: hex HMAC of the body. */
    String ofBody(byte[] body) {
        return HexFormat.of().formatHex(hmac(body));
    }

    /** Standard Webhooks': {@code v1,} and the base64 HMAC of {@code id.timestampSeconds.body}. */
    String standard(String id, long timestampSeconds, byte[] body) {
        byte[] prefix = (id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(signed));
    }

    private byte[] hmac(byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
