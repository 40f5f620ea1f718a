package io.presence.node.internal.transport;

import io.presence.node.internal.auth.PasswordHash;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.protocol.AuthMessage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password guessing and request floods against a node with the file strategy, from addresses
 * of their own on loopback (127.0.0.x), over real HTTP and WebSocket connections: each is slowed
 * or refused with a clear answer while a caller from elsewhere is served.
 */
@Tag("in-jvm")
class LoginAbuseTest {

    private static final String PASSWORD = "the right one";

    @TempDir
    Path dir;
    private TestCluster cluster;
    private Vertx vertx;
    private final List<TestClient> open = new ArrayList<>();

    private int start(Map<String, String> settings, String digest, int iterations) throws IOException {
        PasswordHash hash = new PasswordHash(digest, iterations, 32);
        Path users = Files.writeString(dir.resolve("users.yml"), "backend:\n  password: \"" + hash.hash(PASSWORD) + "\"\n");
        Map<String, String> all = new HashMap<>(settings);
        all.put("auth", "file");
        all.put("auth.file.users", users.toString());
        all.put("auth.file.hash", digest);
        all.put("auth.file.iterations", String.valueOf(iterations));
        cluster = TestCluster.start(1, all);
        return cluster.node(0).port();
    }

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        open.forEach(TestClient::close);
        vertx.close().toCompletionStage().toCompletableFuture().join();
        if (cluster != null) {
            cluster.close();
        }
    }

    /** {@code POST /api} asking for everyone, logged in as backend with {@code password}, from {@code from}. */
    private CompletableFuture<Answer> ask(String from, int port, String password) {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(from));
        String body = new JsonObject()
                .put("authData", new JsonObject().put("username", "backend").put("password", password))
                .put("body", new JsonArray().add(new JsonObject().put("topic", "presence").put("action", "query")))
                .encode();
        return http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/api")
                        .putHeader("Content-Type", "application/json"))
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(b -> new Answer(response.statusCode(),
                        response.getHeader("Retry-After"), b.toString())))
                .eventually(() -> http.close())
                .toCompletionStage().toCompletableFuture();
    }

    private record Answer(int status, String retryAfter, String body) {
    }

    private static Answer now(CompletableFuture<Answer> answer) throws Exception {
        return answer.get(30, TimeUnit.SECONDS);
    }

    private TestClient webSocketFrom(String from, int port) {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(from));
        TestClient c = TestClient.connect(client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port), Endpoint.BINARY);
        open.add(c);
        return c;
    }

    @Test
    void passwordGuessesFromOneAddressStopAtTheLimitWhileOtherAddressesLogIn() throws Exception {
        int port = start(Map.of("auth.max.failures.per.address", "10", "auth.max.failures.per.username", "1000"),
                "md5", 100);
        for (int i = 0; i < 10; i++) {
            assertEquals(401, now(ask("127.0.0.4", port, "guess " + i)).status());
        }
        Answer blocked = now(ask("127.0.0.4", port, PASSWORD));
        assertEquals(429, blocked.status(), blocked.body());
        assertTrue(blocked.body().contains("too many failed logins from 127.0.0.4"), blocked.body());
        assertTrue(Integer.parseInt(blocked.retryAfter()) > 0, "Retry-After says when");

        // the limit is the address's, wherever it logs in: a WebSocket login from it is refused too
        TestClient sameAddress = webSocketFrom("127.0.0.4", port);
        sameAddress.handshake();
        AuthMessage refused = sameAddress.authenticate(new JsonObject().put("username", "backend").put("password", PASSWORD).encode());
        assertEquals(AuthMessage.Action.AUTH_UNSUCCESSFUL, refused.action());
        assertTrue(refused.data().contains("too many failed logins"), refused.data());

        assertEquals(200, now(ask("127.0.0.1", port, PASSWORD)).status(), "another address is served");
        TestClient elsewhere = webSocketFrom("127.0.0.1", port);
        elsewhere.handshake();
        assertEquals(AuthMessage.Action.AUTH_SUCCESSFUL,
                elsewhere.authenticate(new JsonObject().put("username", "backend").put("password", PASSWORD).encode()).action());
    }

    @Test
    void anHttpRequestCountsAsAConnectionOfItsAddress() throws Exception {
        int port = start(Map.of("max.connections.per.address", "3"), "md5", 100);
        List<TestClient> three = List.of(webSocketFrom("127.0.0.5", port), webSocketFrom("127.0.0.5", port),
                webSocketFrom("127.0.0.5", port));
        three.forEach(TestClient::handshake);
        Answer refused = now(ask("127.0.0.5", port, PASSWORD));
        assertEquals(429, refused.status(), refused.body());
        assertTrue(refused.body().contains("at most 3 connections from one address (127.0.0.5)"), refused.body());
        assertEquals(200, now(ask("127.0.0.6", port, PASSWORD)).status());
        three.get(0).close();
        org.awaitility.Awaitility.await().atMost(TestClient.WAIT)
                .until(() -> cluster.node(0).connectionCount() == 2);
        assertEquals(200, now(ask("127.0.0.5", port, PASSWORD)).status());
    }

    @Test
    void aFloodOfPasswordChecksIsToldToTryAgainInsteadOfQueueingWithoutEnd() throws Exception {
        // a hash that takes a while, two threads to compute it, room for four more in the queue
        int port = start(Map.of("auth.file.max.queued", "4", "auth.max.failures.per.address", "1000",
                "auth.max.failures.per.username", "1000"), "sha256", 200_000);
        List<CompletableFuture<Answer>> flood = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            flood.add(ask("127.0.0.7", port, "guess " + i));
        }
        int busy = 0;
        int refused = 0;
        for (CompletableFuture<Answer> f : flood) {
            Answer a = now(f);
            if (a.status() == 429 && a.body().contains("too many passwords are being checked")) {
                busy++;
            } else if (a.status() == 401) {
                refused++;
            }
        }
        assertTrue(busy > 0, "past the queue's room logins are told to try again (" + refused + " checked)");
        assertEquals(30, busy + refused);
        assertEquals(200, now(ask("127.0.0.1", port, PASSWORD)).status(), "once the flood passed, logins are checked");
    }
}
