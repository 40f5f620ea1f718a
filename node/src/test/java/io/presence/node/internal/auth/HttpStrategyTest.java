package io.presence.node.internal.auth;

import io.presence.node.config.AuthSettings;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhook strategy against a real HTTP receiver on loopback. */
@Tag("in-jvm")
class HttpStrategyTest {

    private Vertx vertx;
    private HttpServer receiver;
    /** What the receiver does with the n-th request (counting from 0) and its body. */
    private volatile BiConsumer<Integer, HttpServerRequest> answer;
    private final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    private final List<String> promoted = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws Exception {
        vertx = Vertx.vertx();
        receiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            bodies.add(body.toJsonObject());
            promoted.add(request.getHeader("token"));
            answer.accept(requests.getAndIncrement(), request);
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpStrategy strategy(long timeoutMillis, int retryAttempts, int maxPending) {
        return new HttpStrategy(vertx, new AuthSettings.HttpAuth(
                Optional.of("http://127.0.0.1:" + receiver.actualPort() + "/check-login"), List.of(200, 201),
                timeoutMillis, List.of(502, 503), retryAttempts, 10, List.of("token"), maxPending));
    }

    private static CompletableFuture<LoginOutcome> login(HttpStrategy strategy, Map<String, Object> authData) {
        return strategy.authenticate(new LoginRequest(authData, null, "203.0.113.7",
                Map.of("referer", "https://app.example", "user-agent", "test"))).toCompletableFuture();
    }

    private static LoginOutcome outcome(CompletableFuture<LoginOutcome> outcome) throws Exception {
        return outcome.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theServiceSeesTheConnectionAndTheAuthDataAndAStringBodyIsTheUsersId() throws Exception {
        answer = (n, request) -> request.response().setStatusCode(200).end("alice");
        LoginOutcome.Accepted accepted = assertInstanceOf(LoginOutcome.Accepted.class,
                outcome(login(strategy(2000, 0, 10), Map.of("token", "t-1", "remember", true))));
        assertEquals("alice", accepted.username());

        JsonObject body = bodies.get(0);
        assertEquals("203.0.113.7", body.getJsonObject("connectionData").getString("remoteAddress"));
        assertEquals("https://app.example", body.getJsonObject("connectionData").getString("referer"));
        assertEquals("test", body.getJsonObject("connectionData").getJsonObject("headers").getString("user-agent"));
        assertEquals(new JsonObject().put("token", "t-1").put("remember", true), body.getJsonObject("authData"));
        assertEquals("t-1", promoted.get(0), "auth.http.promote.to.header copies the field into a header");
    }

    @Test
    void anObjectBodyGivesTheIdAndBothKindsOfData() throws Exception {
        answer = (n, request) -> request.response().setStatusCode(201).end(new JsonObject()
                .put("id", "bob").put("clientData", new JsonObject().put("theme", "dark"))
                .put("serverData", new JsonObject().put("role", "admin")).encode());
        LoginOutcome.Accepted accepted = assertInstanceOf(LoginOutcome.Accepted.class,
                outcome(login(strategy(2000, 0, 10), Map.of())));
        assertEquals("bob", accepted.username());
        assertEquals("{\"theme\":\"dark\"}", accepted.clientData());
        assertEquals("{\"role\":\"admin\"}", accepted.serverData());
    }

    @Test
    void anotherStatusRefusesWithTheBodyAsTheReason() throws Exception {
        answer = (n, request) -> request.response().setStatusCode(401).end("expired session");
        LoginOutcome.Refused text = assertInstanceOf(LoginOutcome.Refused.class, outcome(login(strategy(2000, 3, 10), Map.of())));
        assertEquals("{\"error\":\"expired session\"}", text.clientData());

        answer = (n, request) -> request.response().setStatusCode(403).end("{\"reason\":\"banned\"}");
        LoginOutcome.Refused object = assertInstanceOf(LoginOutcome.Refused.class, outcome(login(strategy(2000, 3, 10), Map.of())));
        assertEquals("{\"reason\":\"banned\"}", object.clientData());
        assertEquals(2, requests.get(), "a refusal is an answer: not retried");
    }

    @Test
    void retryStatusesAreRetriedAndAnAnswerAfterThemCounts() throws Exception {
        answer = (n, request) -> request.response().setStatusCode(n < 2 ? 503 : 200).end("carol");
        LoginOutcome.Accepted accepted = assertInstanceOf(LoginOutcome.Accepted.class, outcome(login(strategy(2000, 3, 10), Map.of())));
        assertEquals("carol", accepted.username());
        assertEquals(3, requests.get());
    }

    @Test
    void aServiceThatNeverAnswersInTimeEndsInRetryAttemptsExceeded() throws Exception {
        answer = (n, request) -> { }; // holds every request past the timeout
        LoginOutcome.Refused refused = assertInstanceOf(LoginOutcome.Refused.class, outcome(login(strategy(100, 2, 10), Map.of())));
        assertEquals(HttpStrategy.RETRIES_EXCEEDED, refused.clientData());
        assertEquals(3, requests.get(), "the first attempt and two retries");
    }

    @Test
    void pastMaxPendingLoginsAreRefusedAtOnceWhileTheServiceIsSlow() throws Exception {
        List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        answer = (n, request) -> held.add(request);
        HttpStrategy strategy = strategy(10_000, 0, 1);
        CompletableFuture<LoginOutcome> first = login(strategy, Map.of());
        await().atMost(10, TimeUnit.SECONDS).until(() -> held.size() == 1);

        LoginOutcome.Refused second = assertInstanceOf(LoginOutcome.Refused.class, outcome(login(strategy, Map.of())));
        assertEquals(HttpStrategy.TOO_BUSY, second.clientData());
        assertTrue(!first.isDone());

        held.get(0).response().setStatusCode(200).end("dave");
        assertEquals("dave", assertInstanceOf(LoginOutcome.Accepted.class, outcome(first)).username());
        answer = (n, request) -> request.response().setStatusCode(200).end("erin");
        assertInstanceOf(LoginOutcome.Accepted.class, outcome(login(strategy, Map.of())), "the slot is free again");
    }
}
