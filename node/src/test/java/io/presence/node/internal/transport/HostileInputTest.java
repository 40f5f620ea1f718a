package io.presence.node.internal.transport;

import io.presence.node.support.InJvmNodes;
import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestClient;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a stranger can make a node do with requests that are well formed but hostile, tried over
 * real connections on a node with the default limits: each gets a clear error, and the node keeps
 * serving a bystander. The figures these tests print are those of docs/security.md.
 */
@Tag("in-jvm")
class HostileInputTest {

    private static final int MAX_NAME = 128; // the default max.username.length
    private static final int MAX_ANSWER = 64 * 1024;
    @RegisterExtension
    static final InJvmNodes nodes = InJvmNodes.startedByTheTest();
    private static int port;

    @BeforeAll
    static void startNode() {
        nodes.start(1, Map.of("api.max.answer.bytes", String.valueOf(MAX_ANSWER)));
        port = nodes.cluster().node(0).port();
    }

    private TestClient loggedIn(String username) {
        return nodes.clients().login(0, username);
    }

    @Test
    void aNameLongerThanAUsernameIsRefusedInEveryRequestWithTheRule() {
        TestClient c = loggedIn("names-asker");
        String longest = "n".repeat(MAX_NAME);
        String tooLong = "n".repeat(MAX_NAME + 1);
        for (Action action : List.of(Action.SUBSCRIBE, Action.UNSUBSCRIBE, Action.QUERY)) {
            PresenceMessage error = refused(c, action, List.of("fine", tooLong));
            assertTrue(error.data().contains("at most " + MAX_NAME + " characters"), error.data());
        }
        // the bound counts characters, not UTF-16 units: 128 emoji are a username
        String emoji = "\uD83D\uDE00".repeat(MAX_NAME);
        String id = c.nextCorrelationId();
        c.send(PresenceMessage.request(Action.SUBSCRIBE, id, List.of(longest, emoji)));
        c.expect(PresenceMessage.ack(Action.SUBSCRIBE, id));

        TestClient tooLongLogin = nodes.clients().connect(0);
        AuthMessage answer = tooLongLogin.authenticate("{\"username\":\"" + tooLong + "\"}");
        assertEquals(AuthMessage.Action.AUTH_UNSUCCESSFUL, answer.action());
        assertTrue(answer.data().contains("at most " + MAX_NAME), answer.data());
    }

    @Test
    void theHttpApiRefusesNamesLongerThanAUsername() {
        String tooLong = "h".repeat(MAX_NAME + 1);
        HttpResponse<String> one = NodeHttp.get(port, "/api/presence/" + tooLong);
        assertEquals(400, one.statusCode(), one.body());
        assertTrue(one.body().contains("at most " + MAX_NAME + " characters"), one.body());

        HttpResponse<String> some = NodeHttp.get(port, "/api/presence?names=a,"
                + URLEncoder.encode(tooLong, StandardCharsets.UTF_8));
        assertEquals(400, some.statusCode(), some.body());

        HttpResponse<String> deepstream = postApi(new JsonObject().put("body", new JsonArray()
                .add(new JsonObject().put("topic", "presence").put("action", "query").put("names", new JsonArray().add(tooLong)))));
        assertEquals(400, deepstream.statusCode(), deepstream.body());
        assertTrue(deepstream.body().contains("at most " + MAX_NAME + " characters"), deepstream.body());
    }

    /**
     * The attack as tried before the bound: one connection subscribing to 300 names of 900 KB
     * each took the node's live heap from about 30 MB to 295 MB. Now each is refused, and the heap
     * after a full collection stays where it was.
     */
    @Test
    void hugeNamesCannotFillTheHeapThroughSubscriptions() {
        TestClient bystander = loggedIn("bystander");
        bystander.subscribeAll();
        TestClient attacker = loggedIn("attacker");
        long before = liveHeap();
        String huge = "x".repeat(900 * 1024);
        int refusals = 0;
        for (int i = 0; i < 300; i++) {
            String id = attacker.nextCorrelationId();
            attacker.send(PresenceMessage.request(Action.SUBSCRIBE, id, List.of(i + huge)));
            attacker.expect(m -> m instanceof PresenceMessage p && p.action() == Action.INVALID_PRESENCE_USERS
                    && id.equals(p.correlationId()));
            refusals++;
        }
        long grown = liveHeap() - before;
        System.out.printf("hostile: 300 SUBSCRIBEs of 900 KB names: %d refused, live heap %+d MB%n",
                refusals, grown >> 20);
        assertTrue(grown < 64L << 20, "live heap grew by " + (grown >> 20) + " MB");
        assertFalse(attacker.isClosed(), "a refused request is an error for that request, not the connection");
        TestClient newcomer = loggedIn("newcomer-after-attack");
        newcomer.roundTrip();
        bystander.expect(TestClient.presence(Action.PRESENCE_JOIN_ALL, "newcomer-after-attack"));
    }

    /**
     * A 38-byte command asks for the whole online list: before these bounds a 1 MiB body could ask
     * for it 27,000 times, built as one string on an event loop.
     */
    @Test
    void postApiBoundsItsCommandsAndTheSizeOfItsAnswer() {
        TestClient bystander = loggedIn("api-bystander");
        for (int i = 0; i < 60; i++) {
            loggedIn(String.format("%03d", i) + "u".repeat(97));
        }
        await().atMost(TestClient.WAIT).until(() -> bystander.queryAll().size() == 60);
        JsonObject everyone = new JsonObject().put("topic", "presence").put("action", "query");

        JsonArray tooMany = new JsonArray();
        for (int i = 0; i < 101; i++) {
            tooMany.add(everyone);
        }
        HttpResponse<String> commands = postApi(new JsonObject().put("body", tooMany));
        assertEquals(413, commands.statusCode(), commands.body());
        assertTrue(commands.body().contains("at most 100 commands"), commands.body());

        JsonArray many = new JsonArray();
        for (int i = 0; i < 100; i++) {
            many.add(everyone);
        }
        HttpResponse<String> large = postApi(new JsonObject().put("body", many));
        assertEquals(413, large.statusCode(), large.body());
        assertTrue(large.body().contains("larger than " + MAX_ANSWER + " bytes"), large.body());

        HttpResponse<String> some = postApi(new JsonObject().put("body", new JsonArray().add(everyone).add(everyone)));
        assertEquals(200, some.statusCode(), some.body());
        JsonArray results = new JsonObject(some.body()).getJsonArray("body");
        assertEquals(2, results.size());
        assertEquals(61, results.getJsonObject(1).getJsonArray("users").size());
        assertEquals("SUCCESS", new JsonObject(some.body()).getString("result"));
        bystander.roundTrip();
    }

    private static PresenceMessage refused(TestClient c, Action action, List<String> names) {
        String id = c.nextCorrelationId();
        c.send(PresenceMessage.request(action, id, names));
        Predicate<Message> refusal = m -> m instanceof PresenceMessage p && p.action() == Action.INVALID_PRESENCE_USERS
                && id.equals(p.correlationId());
        PresenceMessage error = (PresenceMessage) c.expect(refusal);
        assertTrue(error.isError());
        return error;
    }

    private HttpResponse<String> postApi(JsonObject body) {
        return NodeHttp.send(HttpRequest.newBuilder(NodeHttp.uri(port, "/api"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    /** The heap in use after a full collection: what the node (and this test) still holds. */
    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
