package io.presence.node.internal.cluster;

import io.presence.node.support.InJvmNodes;
import io.presence.node.support.TestClient;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static io.presence.node.support.TestClient.presence;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logout grace absorbs quick reconnections; under random churn every subscriber's stream alternates. */
@Tag("in-jvm")
class FlappingAndChurnTest {

    @RegisterExtension
    final InJvmNodes nodes = InJvmNodes.startedByTheTest();

    private void startCluster(Map<String, String> settings) {
        nodes.start(3, settings);
    }

    @Test
    void reconnectionWithinTheGracePeriodProducesNoEventsAndALongerAbsenceOneLogout() {
        startCluster(Map.of("logout.grace.ms", "1500"));
        String user = "flapper-" + UUID.randomUUID();
        List<TestClient> watchers = nodes.clients().watchers(3);
        TestClient first = nodes.clients().loginUntracked(0, user);
        watchers.forEach(w -> w.expect(presence(Action.PRESENCE_JOIN_ALL, user)));

        long closedAt = System.currentTimeMillis();
        first.close();
        TestClient back = nodes.clients().loginUntracked(0, user);
        assertTrue(System.currentTimeMillis() - closedAt < 1500, "came back within the grace period");
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(6)).until(() ->
                watchers.stream().allMatch(w -> w.count(m -> m instanceof PresenceMessage p && user.equals(p.name())) == 0));

        long gone = System.currentTimeMillis();
        back.close();
        watchers.forEach(w -> w.expect(presence(Action.PRESENCE_LEAVE_ALL, user)));
        assertTrue(System.currentTimeMillis() - gone >= 1400, "the logout waited for the grace period");
    }

    @Test
    void randomChurnFromEveryNodeGivesEverySubscriberAlternatingEventsEndingInTheTruth() {
        startCluster(Map.of());
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<TestClient> watchers = nodes.clients().watchers(3);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            users.add("churn-" + i + "-" + UUID.randomUUID().toString().substring(0, 6));
        }
        Map<String, List<TestClient>> open = new HashMap<>();
        users.forEach(u -> open.put(u, new ArrayList<>()));
        for (int step = 0; step < 400; step++) {
            String user = users.get(random.nextInt(users.size()));
            List<TestClient> mine = open.get(user);
            if (!mine.isEmpty() && random.nextInt(10) < 6) {
                mine.remove(random.nextInt(mine.size())).close();
            } else if (mine.size() < 3) {
                mine.add(nodes.clients().loginUntracked(random.nextInt(3), user));
            }
        }
        Set<String> online = new HashSet<>();
        open.forEach((u, list) -> {
            if (!list.isEmpty()) {
                online.add(u);
                list.forEach(nodes.clients()::track);
            }
        });
        for (TestClient w : watchers) {
            await().atMost(Duration.ofSeconds(20)).until(() -> users.stream().allMatch(u -> endsIn(w, u, online.contains(u))));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() ->
                    users.stream().allMatch(u -> endsIn(w, u, online.contains(u))));
            for (String u : users) {
                List<Boolean> stream = w.presenceStream(u);
                for (int i = 1; i < stream.size(); i++) {
                    assertTrue(stream.get(i) != stream.get(i - 1), "seed " + seed + ": two of a kind in a row for " + u + ": " + stream);
                }
                if (!stream.isEmpty()) {
                    assertTrue(stream.get(0), "seed " + seed + ": first event of " + u + " is a join: " + stream);
                }
            }
            assertEquals(online, new HashSet<>(w.queryAll()).stream().filter(users::contains).collect(java.util.stream.Collectors.toSet()),
                    "seed " + seed);
        }
    }

    private static boolean endsIn(TestClient watcher, String user, boolean online) {
        List<Boolean> s = watcher.presenceStream(user);
        return online ? !s.isEmpty() && s.get(s.size() - 1) : s.isEmpty() || !s.get(s.size() - 1);
    }

}
