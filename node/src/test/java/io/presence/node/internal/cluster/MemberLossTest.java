package io.presence.node.internal.cluster;

import io.presence.node.support.InJvmNodes;
import io.presence.node.support.TestClient;
import io.presence.protocol.PresenceMessage.Action;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.presence.node.support.TestClient.presence;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a member leaves, stopped or crashed, survivors log out its users exactly once. */
@Tag("in-jvm")
class MemberLossTest {

    @RegisterExtension
    final InJvmNodes nodes = InJvmNodes.of(3);

    private TestClient login(int node, String username) {
        return nodes.clients().login(node, username);
    }

    private void assertLossHandled(Runnable loseNode2) {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<String> onlyOnLost = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            onlyOnLost.add("lost-" + tag + "-" + i);
        }
        String alsoElsewhere = "both-" + tag;
        TestClient w0 = login(0, "w0-" + tag);
        TestClient w1 = login(1, "w1-" + tag);
        w0.subscribeAll();
        w1.subscribeAll();
        w1.subscribe(alsoElsewhere);
        List<TestClient> onLost = new ArrayList<>();
        for (String name : onlyOnLost) {
            onLost.add(nodes.clients().loginUntracked(2, name));
        }
        onLost.add(nodes.clients().loginUntracked(2, alsoElsewhere));
        login(0, alsoElsewhere);
        for (TestClient w : List.of(w0, w1)) {
            await().atMost(TestClient.WAIT).until(() -> new HashSet<>(w.queryAll()).containsAll(onlyOnLost));
        }

        loseNode2.run();

        for (TestClient w : List.of(w0, w1)) {
            for (String name : onlyOnLost) {
                await().atMost(TestClient.WAIT).until(() -> w.count(presence(Action.PRESENCE_LEAVE_ALL, name)) >= 1);
            }
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() ->
                    onlyOnLost.stream().allMatch(n -> w.count(presence(Action.PRESENCE_LEAVE_ALL, n)) == 1)
                            && w.count(presence(Action.PRESENCE_LEAVE_ALL, alsoElsewhere)) == 0);
            Set<String> online = new HashSet<>(w.queryAll());
            assertEquals(Set.of(), intersection(online, onlyOnLost));
            assertEquals(true, online.contains(alsoElsewhere));
        }
        assertEquals(0, w1.count(presence(Action.PRESENCE_LEAVE, alsoElsewhere)));
        onLost.forEach(c -> c.awaitClosed());
        onLost.forEach(TestClient::close);
    }

    private static Set<String> intersection(Set<String> a, List<String> b) {
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return both;
    }

    @Test
    void crashedMembersUsersAreLoggedOutOnceAndSharedUsersStayOnline() {
        assertLossHandled(() -> nodes.cluster().crash(2));
    }

    @Test
    void stoppedMembersUsersAreLoggedOutOnceAndItsClientsAreClosed() {
        assertLossHandled(() -> nodes.cluster().stop(2));
    }
}
