package io.presence.node.process;

import io.presence.node.support.ProcessCluster;
import io.presence.node.support.TestClient;
import io.presence.node.support.WebhookReceiver;
import io.presence.node.support.WebhookedProcesses;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A member that wakes from a long pause finds every other member gone, and for a moment is a
 * cluster of its own until the split-brain merge takes it back; meanwhile the others have
 * logged its users out. It must not do the same to theirs: found by the randomized fault run,
 * where the resumed master released the users of both live nodes and its webhook sender told the
 * receiver, although the cluster never logged them out.
 */
@Tag("process")
class ResumedMemberTest {

    @RegisterExtension
    final WebhookedProcesses processes = new WebhookedProcesses();
    private final Vertx vertx = processes.vertx();
    private final WebSocketClient ws = processes.ws();
    private final WebhookReceiver receiver = processes.receiver();
    private final List<TestClient> clients = processes.clients();
    private ProcessCluster cluster;

    @Test
    void aMasterThatWakesAloneLogsNoUserOfTheLiveMembersOut() {
        cluster = processes.start(ProcessCluster.Topology.EMBEDDED, 3);
        cluster.awaitOneCluster(vertx, ws);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<TestClient> watchers = new ArrayList<>();
        Set<String> staying = new HashSet<>();
        for (int node = 1; node <= 2; node++) {
            TestClient watcher = TestClient.loggedIn(ws, cluster.port(node), TestClient.Endpoint.BINARY, "watcher-" + node + "-" + tag);
            watcher.subscribeAll();
            watchers.add(watcher);
            clients.add(watcher);
            staying.add("watcher-" + node + "-" + tag);
            for (int i = 0; i < 10; i++) {
                String user = "stays-" + node + "-" + i + "-" + tag;
                clients.add(TestClient.loggedIn(ws, cluster.port(node), TestClient.Endpoint.BINARY, user));
                staying.add(user);
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> staying.stream().allMatch(u -> receiver.byUser().containsKey(u)));

        // node 0 started first: the master. Paused past the heartbeat timeout (4 s), it wakes to
        // a member list nobody else shares any more
        cluster.node(0).pause();
        await().pollDelay(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(15)).until(() -> true);
        cluster.node(0).resume();
        // back in one cluster: a login on node 0 is seen by the others again
        cluster.awaitOneCluster(vertx, ws);
        try (TestClient asker = TestClient.loggedIn(ws, cluster.port(0), TestClient.Endpoint.BINARY, "asker-" + tag)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(asker.queryAll()).containsAll(staying));
        }

        List<String> loggedOut = new ArrayList<>();
        receiver.byUser().forEach((user, events) -> {
            if (staying.contains(user) && events.stream().anyMatch(e -> !e.online())) {
                loggedOut.add(user + " " + events.stream().map(WebhookReceiver.Event::name).toList());
            }
        });
        assertEquals(List.of(), loggedOut, "the receiver heard logouts of users who never left; " + cluster.timeline());
        for (TestClient watcher : watchers) {
            List<String> heardLeave = staying.stream().filter(u -> watcher.count(TestClient.presence(Action.PRESENCE_LEAVE_ALL, u)) > 0)
                    .sorted().toList();
            assertEquals(List.of(), heardLeave, "a subscriber on a live node heard them leave");
        }
    }
}
