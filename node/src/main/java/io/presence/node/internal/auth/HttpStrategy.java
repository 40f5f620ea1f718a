package io.presence.node.internal.auth;

import io.presence.node.config.AuthSettings;
import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import io.presence.protocol.JsonText;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code http} strategy, deepstream's webhook: every login is POSTed as
 * {@code {connectionData: {remoteAddress, headers, referer}, authData}} to a URL. A permitted status
 * accepts (a string body is the user's id; an object gives {@code id} or {@code username},
 * {@code clientData}, {@code serverData}); another refuses, the body becoming the reason. Timeouts,
 * failures and retry statuses are tried again a bounded number of times, then refused with
 * {@code AUTH_RETRY_ATTEMPTS_EXCEEDED}. Asynchronous, on the node's event loops; at most
 * {@code max.pending} logins wait for the service at once, the others are refused at once.
 */
final class HttpStrategy implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(HttpStrategy.class);
    static final String RETRIES_EXCEEDED = JsonText.write(Map.of("error", "AUTH_RETRY_ATTEMPTS_EXCEEDED"));
    static final String TOO_BUSY = JsonText.write(Map.of("error", "too many logins wait for the authentication service; try again"));

    private final Vertx vertx;
    private final WebClient client;
    private final AuthSettings.HttpAuth settings;
    private final String url;
    private final AtomicInteger pending = new AtomicInteger();

    HttpStrategy(Vertx vertx, AuthSettings.HttpAuth settings) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx);
        this.settings = settings;
        this.url = settings.url().orElseThrow();
    }

    @Override
    public CompletionStage<LoginOutcome> authenticate(LoginRequest request) {
        if (pending.incrementAndGet() > settings.maxPending()) {
            pending.decrementAndGet();
            LOG.atWarn().log(() -> "auth.http.max.pending (" + settings.maxPending() + ") logins wait for " + url + "; refusing one");
            return CompletableFuture.completedFuture(new LoginOutcome.Refused(TOO_BUSY));
        }
        JsonObject connection = new JsonObject()
                .put("remoteAddress", request.remoteAddress())
                .put("headers", new JsonObject(Map.copyOf(request.headers())))
                .put("referer", request.headers().get("referer"));
        JsonObject body = new JsonObject().put("connectionData", connection).put("authData", new JsonObject(request.authData()));
        CompletableFuture<LoginOutcome> outcome = new CompletableFuture<>();
        attempt(request, body, 0, outcome);
        return outcome.whenComplete((o, f) -> pending.decrementAndGet());
    }

    private void attempt(LoginRequest request, JsonObject body, int retries, CompletableFuture<LoginOutcome> outcome) {
        HttpRequest<Buffer> post = client.postAbs(url).timeout(settings.timeoutMillis());
        for (String field : settings.promoteToHeader()) {
            String value = request.text(field);
            if (value != null) {
                post.putHeader(field, value);
            }
        }
        post.sendJsonObject(body).onComplete(result -> {
            if (result.failed()) {
                LOG.atWarn().log(() -> "auth webhook " + url + " failed: " + result.cause().getMessage());
                retry(request, body, retries, outcome);
            } else if (settings.retryStatus().contains(result.result().statusCode())) {
                retry(request, body, retries, outcome);
            } else {
                outcome.complete(decide(result.result()));
            }
        });
    }

    private void retry(LoginRequest request, JsonObject body, int retries, CompletableFuture<LoginOutcome> outcome) {
        if (retries >= settings.retryAttempts()) {
            LOG.atWarn().log(() -> "auth webhook " + url + " gave no answer after " + (retries + 1) + " attempts; login refused");
            outcome.complete(new LoginOutcome.Refused(RETRIES_EXCEEDED));
            return;
        }
        vertx.setTimer(Math.max(1, settings.retryIntervalMillis()), t -> attempt(request, body, retries + 1, outcome));
    }

    private LoginOutcome decide(HttpResponse<Buffer> response) {
        String text = response.bodyAsString();
        Object parsed = parse(text);
        if (!settings.permittedStatus().contains(response.statusCode())) {
            if (parsed instanceof JsonObject object && !object.isEmpty()) {
                return new LoginOutcome.Refused(object.encode());
            }
            return new LoginOutcome.Refused(text == null || text.isBlank() ? null : JsonText.write(Map.of("error", text)));
        }
        if (parsed instanceof JsonObject object) {
            String id = object.getString("id", object.getString("username"));
            return new LoginOutcome.Accepted(id, encode(object.getValue("clientData")), encode(object.getValue("serverData")));
        }
        return new LoginOutcome.Accepted(text == null || text.isBlank() ? null : text.trim(), null, null);
    }

    /** A JSON object body, or the text itself when it is not one. */
    private static Object parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return new JsonObject(text);
        } catch (RuntimeException notAnObject) {
            return text;
        }
    }

    private static String encode(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(value);
    }
}
