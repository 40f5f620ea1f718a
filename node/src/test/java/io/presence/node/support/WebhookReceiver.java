package io.presence.node.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP receiver of webhooks, as a backend would write one: it checks each batch's
 * signature against its secret (rejecting bad ones with 401) and keeps the events in arrival
 * order. It can be told to refuse (503) or to hold requests unanswered, as a receiver that is
 * down or stuck would.
 */
public final class WebhookReceiver implements AutoCloseable {

    public enum Mode { ACCEPT, REFUSE, HOLD }

    /**
     * One event as it arrived, with the batch it came in; {@code carriesData}: it had a "data"
     * field, whose value (null, or what JSON decodes to) is {@code data}; {@code received}: this
     * machine's clock when it arrived.
     */
    public record Event(String id, String name, String user, long at, long version, int batch, boolean carriesData,
                        Object data, long received) {
        public boolean online() {
            return name.equals("user_online");
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final byte[] secret;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final List<String> keys = new CopyOnWriteArrayList<>();
    /** The {@code webhook-id} of every request, refused ones included, in arrival order. */
    private final List<String> requestIds = new CopyOnWriteArrayList<>();
    private final List<String> refusedIds = new CopyOnWriteArrayList<>();
    private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.ACCEPT;
    private volatile int refused;
    private volatile int badSignatures;

    public WebhookReceiver(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.server = vertx.createHttpServer().requestHandler(this::onRequest);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/presence-hook";
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    private final List<String> log = new CopyOnWriteArrayList<>();

    /** One line per request: when, in which mode, from where. */
    public List<String> log() {
        return List.copyOf(log);
    }

    private void onRequest(HttpServerRequest request) {
        log.add(System.currentTimeMillis() + " " + mode + " from " + request.remoteAddress());
        request.body().onSuccess(body -> {
            requestIds.add(String.valueOf(request.getHeader("webhook-id")));
            if (mode == Mode.REFUSE) {
                refusedIds.add(String.valueOf(request.getHeader("webhook-id")));
                refused++;
                request.response().setStatusCode(503).end();
                return;
            }
            if (!validSignature(body.getBytes(), request.getHeader("X-Presence-Signature"))
                    || !validStandardSignature(body.getBytes(), request.getHeader("webhook-id"),
                            request.getHeader("webhook-timestamp"), request.getHeader("webhook-signature"))) {
                badSignatures++;
                request.response().setStatusCode(401).end();
                return;
            }
            if (mode == Mode.HOLD) {
                held.add(request); // never answered: the sender's batch stays in flight
                return;
            }
            keys.add(request.getHeader("X-Presence-Key"));
            JsonArray batch = new JsonObject(body).getJsonArray("events");
            int index = batchSizes.size();
            long received = System.currentTimeMillis();
            batchSizes.add(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                JsonObject e = batch.getJsonObject(i);
                events.add(new Event(e.getString("id"), e.getString("name"), e.getString("user"), e.getLong("at"),
                        e.getLong("version"), index, e.containsKey("data"), e.getValue("data"), received));
            }
            request.response().setStatusCode(204).end();
        });
    }

    /** The check a receiver makes: HMAC-SHA256 of the raw body with the shared secret, hex, compared in constant time. */
    private boolean validSignature(byte[] body, String signature) {
        if (signature == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The check a receiver of Standard Webhooks makes (as its libraries do, given the secret as
     * {@code whsec_} + base64): {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body}, and
     * a timestamp within five minutes of now, so that an old request replayed is refused.
     */
    private boolean validStandardSignature(byte[] body, String id, String timestamp, String signature) {
        if (id == null || timestamp == null || signature == null) {
            return false;
        }
        try {
            if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) > 300) {
                return false;
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            String expected = "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(body));
            // several space-separated signatures may come (during a key rotation): one match is enough
            for (String candidate : signature.split(" ")) {
                if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<String> requestIds() {
        return List.copyOf(requestIds);
    }

    /** The {@code webhook-id} of every request answered 503, in arrival order. */
    public List<String> refusedIds() {
        return List.copyOf(refusedIds);
    }

    /** Each user's events in arrival order, duplicates (the same id again) left out. */
    public Map<String, List<Event>> byUser() {
        Map<String, List<Event>> users = new LinkedHashMap<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Event e : events) {
            if (ids.add(e.id())) {
                users.computeIfAbsent(e.user(), u -> new ArrayList<>()).add(e);
            }
        }
        return users;
    }

    public List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    public List<String> keys() {
        return List.copyOf(keys);
    }

    public int refused() {
        return refused;
    }

    public int held() {
        return held.size();
    }

    public int badSignatures() {
        return badSignatures;
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
