package io.presence.node.internal.transport;

import io.presence.node.internal.auth.PasswordHash;
import io.presence.node.support.Clients;
import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestCluster;
import io.presence.protocol.PresenceMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP presence API of a real node, asked over real HTTP while real WebSocket clients log in
 * and out: deepstream's POST /api and the REST form, paging, logins and the presence rules.
 */
@Tag("in-jvm")
class PresenceApiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PASSWORD = "api secret";

    @TempDir
    static Path dir;
    private static TestCluster open;
    private static TestCluster guarded;
    private static Clients openClients;
    private static Clients guardedClients;

    @BeforeAll
    static void startNodes() throws IOException {
        open = TestCluster.start(2);
        openClients = new Clients(open);
        PasswordHash hash = new PasswordHash("md5", 100, 32);
        Path users = Files.writeString(dir.resolve("users.yml"), """
                backend:
                  password: "%s"
                  serverData: { role: admin }
                intern:
                  password: "%s"
                  serverData: { role: intern }
                """.formatted(hash.hash(PASSWORD), hash.hash(PASSWORD)));
        Path rules = Files.writeString(dir.resolve("permissions.yml"), """
                presence:
                  "*":
                    allow: "user.data.role == 'admin' || (action == 'QUERY' && name.startsWith('public-'))"
                """);
        guarded = TestCluster.start(1, Map.of("auth", "file, none", "auth.file.users", users.toString(),
                "permissions.file", rules.toString()));
        guardedClients = new Clients(guarded);
    }

    @AfterAll
    static void stopNodes() {
        openClients.close();
        guardedClients.close();
        open.close();
        guarded.close();
    }

    @AfterEach
    void closeClients() {
        openClients.closeAll();
        guardedClients.closeAll();
    }

    private static HttpResponse<String> post(int port, String contentType, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(NodeHttp.uri(port, "/api")).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return NodeHttp.send(request.build());
    }

    private static HttpResponse<String> get(int port, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(NodeHttp.uri(port, path)).timeout(WAIT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return NodeHttp.send(request.build());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deepstreamsPostApiAnswersQueriesOfEveryoneAndOfNamesAndTheCallerIsNeverOnline() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        TestClient watcher = openClients.login(0, "watcher-" + tag);
        watcher.subscribeAll();
        String ann = "ann-" + tag;
        openClients.login(1, ann);
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, ann));
        int port = open.node(0).port();

        String caller = "http-caller-" + tag;
        HttpResponse<String> response = post(port, "application/json; charset=utf-8", new JsonObject()
                .put("authData", new JsonObject().put("username", caller))
                .put("body", new JsonArray()
                        .add(new JsonObject().put("topic", "presence").put("action", "query"))
                        .add(new JsonObject().put("topic", "presence").put("action", "query")
                                .put("names", new JsonArray().add(ann).add("nobody-" + tag))))
                .encode());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject answer = new JsonObject(response.body());
        assertEquals("SUCCESS", answer.getString("result"));
        JsonObject everyone = answer.getJsonArray("body").getJsonObject(0);
        assertTrue(everyone.getBoolean("success"));
        assertTrue(everyone.getJsonArray("users").contains(ann) && everyone.getJsonArray("users").contains("watcher-" + tag),
                everyone.encode());
        assertEquals(new JsonObject().put("success", true).put("users", new JsonObject().put(ann, true).put("nobody-" + tag, false)),
                answer.getJsonArray("body").getJsonObject(1));

        // the caller logged in by name, and yet is not online: nobody hears of it, nobody lists it
        watcher.roundTrip();
        assertEquals(0, watcher.count(m -> m instanceof PresenceMessage p && caller.equals(p.name())));
        assertFalse(watcher.queryAll().contains(caller));
    }

    @Test
    void badRequestsToPostApiGetDeepstreamsStatusesAndReasons() {
        int port = open.node(0).port();
        HttpResponse<String> wrongType = post(port, "text/plain", "{}");
        assertEquals(415, wrongType.statusCode());
        assertTrue(wrongType.body().contains("application/json"));
        assertEquals(400, post(port, "application/json", "{not json").statusCode());
        HttpResponse<String> noBody = post(port, "application/json", "{}");
        assertEquals(400, noBody.statusCode());
        assertTrue(noBody.body().contains("\"body\" parameter must exist"), noBody.body());
        assertTrue(post(port, "application/json", "{\"body\":[]}").body().contains("non-empty array"));
        HttpResponse<String> otherTopic = post(port, "application/json",
                "{\"body\":[{\"topic\":\"presence\",\"action\":\"query\"},{\"topic\":\"record\",\"action\":\"read\"}]}");
        assertEquals(400, otherTopic.statusCode());
        assertTrue(otherTopic.body().startsWith("Failed to parse JIF object at index 1."), otherTopic.body());
        assertEquals(400, post(port, "application/json", "{\"token\":\"\",\"body\":[{\"topic\":\"presence\",\"action\":\"query\"}]}").statusCode());
        assertEquals(400, post(port, "application/json",
                "{\"body\":[{\"topic\":\"presence\",\"action\":\"query\",\"names\":[\"\"]}]}").statusCode());
        // the node serves everyone else meanwhile
        assertEquals(200, post(port, "application/json", "{\"body\":[{\"topic\":\"presence\",\"action\":\"query\"}]}").statusCode());
    }

    @Test
    void restAnswersCountNamesAndOneUserWithSinceWhenItCameAndWent() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        int port = open.node(0).port();
        String bob = "bob-" + tag;
        int before = new JsonObject(get(port, "/api/presence/count", null).body()).getInteger("count");
        long loginAsked = System.currentTimeMillis();
        TestClient session = openClients.login(1, bob);
        await().atMost(WAIT).until(() -> new JsonObject(get(port, "/api/presence/" + bob, null).body()).getBoolean("online"));
        JsonObject online = new JsonObject(get(port, "/api/presence/" + bob, null).body());
        long since = online.getLong("since");
        assertTrue(since >= loginAsked - 5 && since <= System.currentTimeMillis(), online.encode());
        assertEquals(before + 1, new JsonObject(get(port, "/api/presence/count", null).body()).getInteger("count"));
        assertEquals(new JsonObject().put("users", new JsonObject().put(bob, true).put("ghost-" + tag, false))
                        .put("lastSeen", new JsonObject()).put("data", new JsonObject()),
                new JsonObject(get(port, "/api/presence?names=" + bob + ",ghost-" + tag, null).body()),
                "neither was seen going offline; neither logged in with data");

        long logoutAsked = System.currentTimeMillis();
        session.close();
        await().atMost(WAIT).until(() -> !new JsonObject(get(port, "/api/presence/" + bob, null).body()).getBoolean("online"));
        JsonObject offline = new JsonObject(get(port, "/api/presence/" + bob, null).body());
        assertTrue(offline.getLong("since") >= logoutAsked - 5, "since the logout: " + offline.encode());
        JsonObject unknown = new JsonObject(get(port, "/api/presence/never-" + tag, null).body());
        assertFalse(unknown.getBoolean("online"));
        assertNull(unknown.getValue("since"), "nothing remembered");
    }

    @Test
    void everyoneComesInPagesInNameOrderEachNameOnce() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            String name = "page-" + tag + "-" + i;
            openClients.login(i % 2, name);
            expected.add(name);
        }
        int port = open.node(1).port();
        await().atMost(WAIT).until(() -> new JsonObject(get(port, "/api/presence/count", null).body()).getInteger("count") >= 25);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> response = get(port, "/api/presence?limit=10" + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertEquals(200, response.statusCode(), response.body());
            JsonObject page = new JsonObject(response.body());
            assertTrue(page.getJsonArray("users").size() <= 10);
            page.getJsonArray("users").forEach(u -> seen.add((String) u));
            cursor = page.getString("next");
            pages++;
        } while (cursor != null && pages < 100);
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(null);
        assertEquals(sorted, seen, "name order");
        assertEquals(new HashSet<>(seen).size(), seen.size(), "each name once");
        assertTrue(seen.containsAll(expected), "every user: " + seen);
        assertEquals(400, get(port, "/api/presence?limit=0", null).statusCode());
        assertEquals(400, get(port, "/api/presence?cursor=!!!", null).statusCode());
    }

    @Test
    void callersLogInWithTheStrategiesAndThePresenceRulesDecideWhatTheyMayAsk() {
        int port = guarded.node(0).port();
        String everyone = "{\"topic\":\"presence\",\"action\":\"query\"}";
        String aboutPublic = "{\"topic\":\"presence\",\"action\":\"query\",\"names\":[\"public-pat\"]}";
        HttpResponse<String> wrong = post(port, "application/json",
                "{\"authData\":{\"username\":\"backend\",\"password\":\"guess\"},\"body\":[" + everyone + "]}");
        assertEquals(401, wrong.statusCode());
        HttpResponse<String> admin = post(port, "application/json",
                "{\"authData\":{\"username\":\"backend\",\"password\":\"" + PASSWORD + "\"},\"body\":[" + everyone + "]}");
        assertEquals("SUCCESS", new JsonObject(admin.body()).getString("result"), admin.body());

        HttpResponse<String> intern = post(port, "application/json",
                "{\"authData\":{\"username\":\"intern\",\"password\":\"" + PASSWORD + "\"},\"body\":[" + everyone + "," + aboutPublic + "]}");
        JsonObject partial = new JsonObject(intern.body());
        assertEquals("PARTIAL_SUCCESS", partial.getString("result"), intern.body());
        assertEquals(new JsonObject().put("success", false).put("errorTopic", "presence")
                        .put("errorEvent", PresenceMessage.Action.MESSAGE_DENIED.code()).put("action", PresenceMessage.Action.QUERY_ALL.code())
                        .put("error", "Message denied. Action \"QUERY_ALL\" is not permitted."),
                partial.getJsonArray("body").getJsonObject(0));
        assertTrue(partial.getJsonArray("body").getJsonObject(1).getBoolean("success"));

        assertEquals(401, get(port, "/api/presence/count", basic("backend", "guess")).statusCode());
        assertEquals(200, get(port, "/api/presence/count", basic("backend", PASSWORD)).statusCode());
        assertEquals(403, get(port, "/api/presence/count", basic("intern", PASSWORD)).statusCode());
        assertEquals(200, get(port, "/api/presence/public-pat", basic("intern", PASSWORD)).statusCode());
        HttpResponse<String> secret = get(port, "/api/presence/secret-sam", basic("intern", PASSWORD));
        assertEquals(403, secret.statusCode());
        assertTrue(secret.body().contains("not permitted"), secret.body());
        assertEquals(403, get(port, "/api/presence", null).statusCode(), "anonymous (through none) may not list everyone");
    }
}
