package io.presence.node.internal.webhook;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/** How a webhook batch reaches a receiver: one HTTP POST. */
public interface WebhookPoster {

    /**
     * POSTs {@code body} with {@code headers} to {@code url}; completes (on any thread) with
     * whether the receiver took it, a 2xx answer. Never completes exceptionally: an error, a
     * timeout or another status is {@code false}.
     */
    CompletionStage<Boolean> post(String url, Map<String, String> headers, byte[] body);

    /** Frees its connections; posts after this fail. */
    void close();
}
