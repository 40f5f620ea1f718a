package io.presence.node.internal.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Webhook posts over Vert.x's web client, connections kept alive between batches. */
public final class VertxWebhookPoster implements WebhookPoster {

    private final WebClient client;
    private final long timeoutMillis;

    /** @param timeoutMillis how long a post may take, connecting included */
    public VertxWebhookPoster(Vertx vertx, long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .setIdleTimeout(60)
                .setKeepAlive(true));
    }

    @Override
    public CompletionStage<Boolean> post(String url, Map<String, String> headers, byte[] body) {
        HttpRequest<Buffer> request = client.postAbs(url).timeout(timeoutMillis);
        headers.forEach(request::putHeader);
        return request.sendBuffer(Buffer.buffer(body))
                .map(response -> response.statusCode() / 100 == 2)
                .otherwise(false)
                .toCompletionStage();
    }

    @Override
    public void close() {
        client.close();
    }
}
