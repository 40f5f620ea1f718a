package io.presence.node.config;

import java.util.List;
import java.util.Optional;

/**
 * Signed webhooks on every cluster-wide login and logout.
 *
 * @param urls          where each batch is POSTed; none: webhooks are off
 * @param secret        the HMAC-SHA256 key that signs each body
 * @param keyName       the key's name, sent beside the signature so that receivers can rotate keys
 * @param batchMillis   a batch goes out at most this long after its first event
 * @param batchMax      events per batch at most
 * @param timeoutMillis how long one POST may take before it counts as failed
 * @param retryMillis   how long a batch is retried (with exponential backoff) before its events
 *                      are dropped, counted and logged
 * @param maxQueued     events a node keeps waiting to be sent at most; past it, the newest are
 *                      dropped (bounded memory for a receiver that is down)
 * @param includeData   whether each event carries the user's data (the login's {@code clientData},
 *                      which may be personal data: off by default)
 */
public record Webhooks(List<String> urls, Optional<String> secret, String keyName, long batchMillis, int batchMax,
                       long timeoutMillis, long retryMillis, int maxQueued, boolean includeData) {

    public Webhooks {
        urls = List.copyOf(urls);
    }

    public boolean enabled() {
        return !urls.isEmpty();
    }
}
