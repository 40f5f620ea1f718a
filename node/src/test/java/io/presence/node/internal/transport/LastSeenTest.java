package io.presence.node.internal.transport;

import io.presence.node.support.InJvmNodes;
import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestClient;
import io.presence.protocol.PresenceMessage;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "When was Alex last online?" on a real 3-node cluster over real HTTP and WebSocket connections:
 * any node answers with the time of the user's last logout, wherever it happened; a user online
 * has none; the time outlives the node the user was on being killed, and the member that held it
 * being killed; it is forgotten after the retention.
 */
@Tag("in-jvm")
class LastSeenTest {

    @RegisterExtension
    final InJvmNodes nodes = InJvmNodes.startedByTheTest();

    private void start(Map<String, String> settings) {
        nodes.start(3, settings);
    }

    private JsonObject user(int node, String name) {
        HttpResponse<String> response = NodeHttp.get(nodes.cluster().node(node).port(), "/api/presence/" + name);
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    @Test
    void anyNodeAnswersWhenAUserLastWentOfflineAndAUserOnlineHasNone() {
        start(Map.of());
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String gone = "gone-" + tag;
        String here = "here-" + tag;
        TestClient watcher = nodes.clients().login(0, "watcher-" + tag);
        watcher.subscribeAll();
        TestClient goneClient = nodes.clients().loginUntracked(2, gone);
        nodes.clients().login(1, here);
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, gone));
        assertNull(user(0, gone).getValue("lastSeen"), "online: no last seen");

        long before = System.currentTimeMillis();
        goneClient.close();
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_LEAVE_ALL, gone));
        long after = System.currentTimeMillis();
        for (int node = 0; node < 3; node++) {
            int asked = node;
            await().atMost(TestClient.WAIT).until(() -> user(asked, gone).getValue("lastSeen") != null);
            JsonObject answer = user(node, gone);
            assertFalse(answer.getBoolean("online"));
            long lastSeen = answer.getLong("lastSeen");
            assertTrue(lastSeen >= before - 1000 && lastSeen <= after + 1000, "last seen " + lastSeen + " in [" + before + ", " + after + "]");
        }
        assertNull(user(1, here).getValue("lastSeen"));
        assertNull(user(1, "never-" + tag).getValue("lastSeen"), "never seen");

        HttpResponse<String> names = NodeHttp.get(nodes.cluster().node(1).port(), "/api/presence?names=" + gone + "," + here + ",never-" + tag);
        assertEquals(200, names.statusCode(), names.body());
        JsonObject both = new JsonObject(names.body());
        assertEquals(Map.of(gone, false, here, true, "never-" + tag, false), both.getJsonObject("users").getMap());
        assertEquals(Map.of(gone, user(0, gone).getLong("lastSeen")), both.getJsonObject("lastSeen").getMap(),
                "only offline users the nodes.cluster() remembers");
    }

    @Test
    void aLastSeenTimeOutlivesTheNodeTheUserWasOnAndTheMemberThatHeldIt() {
        start(Map.of());
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String onCrashed = "crashed-" + tag;
        String earlier = "earlier-" + tag;
        TestClient watcher = nodes.clients().login(0, "watcher-" + tag);
        watcher.subscribeAll();
        TestClient earlierClient = nodes.clients().loginUntracked(1, earlier);
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, earlier));
        earlierClient.close();
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_LEAVE_ALL, earlier));
        await().atMost(TestClient.WAIT).until(() -> user(0, earlier).getValue("lastSeen") != null);
        long earlierSeen = user(0, earlier).getLong("lastSeen");

        nodes.clients().loginUntracked(2, onCrashed);
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, onCrashed));
        long before = System.currentTimeMillis();
        nodes.cluster().crash(2); // the node the user was on, and a member holding a third of every map
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_LEAVE_ALL, onCrashed));
        await().atMost(TestClient.WAIT).until(() -> user(0, onCrashed).getValue("lastSeen") != null);
        assertTrue(user(1, onCrashed).getLong("lastSeen") >= before - 1000);
        assertEquals(earlierSeen, user(1, earlier).getLong("lastSeen"), "kept through the member's death");

        nodes.cluster().crash(1); // and another member: one backup each is enough, one at a time
        assertEquals(earlierSeen, user(0, earlier).getLong("lastSeen"));
        assertTrue(user(0, onCrashed).getLong("lastSeen") >= before - 1000);
    }

    @Test
    void lastSeenTimesAreForgottenAfterTheRetention() {
        start(Map.of("last.seen.retention.ms", "2000"));
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String name = "brief-" + tag;
        TestClient watcher = nodes.clients().login(0, "watcher-" + tag);
        watcher.subscribeAll();
        TestClient client = nodes.clients().loginUntracked(1, name);
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_JOIN_ALL, name));
        client.close();
        watcher.expect(TestClient.presence(PresenceMessage.Action.PRESENCE_LEAVE_ALL, name));
        await().atMost(TestClient.WAIT).until(() -> user(0, name).getValue("lastSeen") != null);
        await().atMost(TestClient.WAIT).until(() -> user(2, name).getValue("lastSeen") == null);
    }
}
