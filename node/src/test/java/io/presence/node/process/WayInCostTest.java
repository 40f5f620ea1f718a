package io.presence.node.process;

import io.presence.node.internal.auth.PasswordHash;
import io.presence.node.support.NodeHttp;
import io.presence.node.support.NodeProcess;
import io.presence.node.support.ProcessCluster;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each way into a node can cost it, tried over real connections against a node in a process
 * of its own with the default limits: the node's CPU time (from /proc) and its live heap (after a
 * full collection, from /metrics) before and after each attack, while a bystander asks who is
 * online. Prints the table in docs/security.md; asserts that the bystander was answered quickly
 * and that what stayed is within what the limits allow.
 */
@Tag("process")
class WayInCostTest {

    private static final long ATTACK_MILLIS = 4_000;
    private static final String PASSWORD = "right password";
    private static ProcessCluster cluster;
    private static NodeProcess node;
    private static int port;
    private static Vertx vertx;
    private static TestClient bystander;
    private static final List<String> TABLE = new ArrayList<>();
    private static final List<TestClient> HELD = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        Path users = Files.createTempFile("users", ".yml");
        users.toFile().deleteOnExit();
        Files.writeString(users, "backend:\n  password: \"" + new PasswordHash("md5", 100, 32).hash(PASSWORD) + "\"\n");
        cluster = ProcessCluster.start(1, Map.of("auth", "file, none", "auth.file.users", users.toString()));
        node = cluster.node(0);
        port = cluster.port(0);
        vertx = Vertx.vertx();
        bystander = TestClient.loggedIn(vertx, port, Endpoint.BINARY, "bystander");
        for (int i = 0; i < 200; i++) {
            HELD.add(TestClient.loggedIn(vertx, port, Endpoint.BINARY, "online-" + i));
        }
    }

    @AfterAll
    static void stop() {
        System.out.println("| way in | what was tried for " + ATTACK_MILLIS / 1000 + " s | node CPU | live heap after | bystander's slowest getAll |");
        System.out.println("|---|---|---|---|---|");
        TABLE.forEach(System.out::println);
        HELD.forEach(TestClient::close);
        bystander.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    /** User plus system CPU time of the node process, in milliseconds. */
    private static long cpuMillis() {
        try {
            String[] stat = Files.readString(Path.of("/proc/" + node.pid() + "/stat")).split("\\) ")[1].split(" ");
            long ticks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
            return ticks * 10; // CLK_TCK is 100 on Linux
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The node's heap in use after a full collection. */
    private static long liveHeap() {
        try {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process gc = new ProcessBuilder(jcmd, String.valueOf(node.pid()), "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            assertTrue(gc.waitFor(30, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long used = 0;
        for (String line : NodeHttp.get(port, "/metrics").body().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return used;
    }

    /**
     * Runs {@code attack} while the bystander asks who is online every 20 ms on a thread of its
     * own, then adds the row: the node's CPU over the attack, its live heap after it, and the
     * bystander's slowest answer (asserted below 3 s).
     */
    private static void record(String wayIn, String tried, Runnable attack, long heapBound) {
        long heapBefore = liveHeap();
        long cpuBefore = cpuMillis();
        long started = System.nanoTime();
        AtomicLong slowest = new AtomicLong();
        AtomicBoolean attacking = new AtomicBoolean(true);
        Thread asking = new Thread(() -> {
            while (attacking.get()) {
                long asked = System.nanoTime();
                bystander.queryAll();
                slowest.accumulateAndGet((System.nanoTime() - asked) / 1_000_000, Math::max);
                LockSupport.parkNanos(20_000_000); // a pace, as a person's page would ask
            }
        }, "bystander");
        asking.start();
        try {
            attack.run();
        } finally {
            attacking.set(false);
            try {
                asking.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpu = (cpuMillis() - cpuBefore) / 1000.0;
        long heapGrown = liveHeap() - heapBefore;
        TABLE.add(String.format("| %s | %s | %.2f s in %.1f s (%.0f %% of a core) | %+.1f MB | %d ms |", wayIn, tried, cpu,
                seconds, 100 * cpu / seconds, heapGrown / 1e6, slowest.get()));
        assertTrue(heapGrown < heapBound, wayIn + ": live heap grew by " + heapGrown / 1_000_000 + " MB");
        assertTrue(slowest.get() < 3000, wayIn + ": the bystander waited " + slowest.get() + " ms");
    }

    private static TestClient from(String address) {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(address)
                .setMaxMessageSize(8 << 20).setMaxFrameSize(8 << 20));
        return TestClient.connect(client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port), Endpoint.BINARY);
    }

    @Test
    void aWebSocketBeforeLoginCostsLittleHeldOpenAndItsFramesAreBounded() {
        List<TestClient> waiting = new ArrayList<>();
        record("WebSocket, before login", "1,000 connections from one address opened and held without logging in", () -> {
            for (int i = 0; i < 1000; i++) {
                TestClient c = from("127.0.0.21");
                c.handshake();
                waiting.add(c);
            }
        }, 64L << 20);
        String junk = "x".repeat((1 << 20) - 64);
        record("WebSocket, before login", "then 100 of them send a 1 MiB AUTH frame that is not JSON", () -> {
            List<TestClient> senders = waiting.subList(0, 100);
            for (TestClient c : senders) {
                c.send(AuthMessage.of(AuthMessage.Action.REQUEST, junk));
            }
            senders.forEach(TestClient::awaitClosed);
        }, 64L << 20);
        waiting.forEach(TestClient::close);
    }

    @Test
    void aLoggedInConnectionCostsAtMostItsSubscriptionsOfLongestNames() {
        TestClient c = from("127.0.0.22");
        c.handshake();
        c.authenticate("{\"username\":\"subscriber\"}");
        record("WebSocket, after login", "10,000 subscriptions (max.subscriptions) to names of 128 characters "
                + "(max.username.length), then QUERY_ALL of 200 users at the message rate", () -> {
            for (int batch = 0; batch < 4; batch++) {
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 2_500; i++) {
                    names.add(String.format("%06d", batch * 2_500 + i) + "n".repeat(122));
                }
                String id = c.nextCorrelationId();
                c.send(PresenceMessage.request(Action.SUBSCRIBE, id, names));
                c.expect(PresenceMessage.ack(Action.SUBSCRIBE, id));
            }
            // at the message rate a connection may keep up (1,000 a second): 100 every 100 ms
            long started = System.nanoTime();
            for (int slot = 1; slot <= ATTACK_MILLIS / 100; slot++) {
                for (int i = 0; i < 100; i++) {
                    c.send(PresenceMessage.of(Action.QUERY_ALL));
                }
                LockSupport.parkNanos(started + slot * 100_000_000L - System.nanoTime());
            }
            c.roundTrip();
            assertTrue(c.count(m -> m instanceof PresenceMessage p && p.action() == Action.QUERY_ALL_RESPONSE) > ATTACK_MILLIS / 2,
                    "the queries were answered, not dropped");
        }, 64L << 20);
        c.close();
    }

    @Test
    void anHttpCallerCostsAtMostItsAnswersAndItsGuessesAreLimited() {
        JsonObject everyone = new JsonObject().put("topic", "presence").put("action", "query");
        JsonArray hundred = new JsonArray();
        for (int i = 0; i < 100; i++) {
            hundred.add(everyone);
        }
        String anonymous = new JsonObject().put("body", hundred).encode();
        record("HTTP, without credentials", "POST /api with 100 commands asking for everyone (200 online), one after "
                + "the other", () -> {
            long until = System.nanoTime() + ATTACK_MILLIS * 1_000_000;
            while (System.nanoTime() < until) {
                HttpResponse<String> r = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/api"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(anonymous)).build());
                assertTrue(r.statusCode() == 200, r.statusCode() + " " + r.body());
            }
        }, 32L << 20);
        int[] answers = new int[2];
        record("HTTP, with credentials", "password guesses for a file user, one after the other (Basic auth on "
                + "GET /api/presence)", () -> {
            long until = System.nanoTime() + ATTACK_MILLIS * 1_000_000;
            int guess = 0;
            while (System.nanoTime() < until) {
                String credentials = Base64.getEncoder().encodeToString(("backend:guess" + guess++).getBytes());
                HttpResponse<String> r = NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/api/presence/bystander"))
                        .header("Authorization", "Basic " + credentials).build());
                answers[r.statusCode() == 429 ? 1 : 0]++;
            }
        }, 32L << 20);
        TABLE.set(TABLE.size() - 1, TABLE.get(TABLE.size() - 1).replace("one after the other (Basic auth on GET /api/presence)",
                "one after the other (Basic auth on GET /api/presence): " + answers[0] + " checked (after 10 "
                        + "failures each a second late), " + answers[1] + " refused with 429"));
        assertTrue(answers[0] <= 10 + ATTACK_MILLIS / 1000 + 1, answers[0] + " guesses were checked");
    }
}
