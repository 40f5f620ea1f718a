package io.presence.node.presence;

import io.presence.node.support.VirtualTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The façade: published changes reach subscribers, sessions reach the cluster, queries blend both. */
class PresenceServiceTest {

    private final VirtualTime time = new VirtualTime();
    private final FakeCluster cluster = new FakeCluster();
    private final List<String> heard = new ArrayList<>();
    private final PresenceListener listener = (name, online, scope) -> heard.add((online ? "join " : "leave ") + name + " " + scope);
    private PresenceService presence;

    @BeforeEach
    void setUp() {
        presence = new PresenceService(cluster, cluster, time, 0, 30_000);
        presence.subscribeAll(listener);
        cluster.online.addAll(Set.of("Alex", "Ben"));
    }

    private static <T> T now(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @Test
    void changesReachEveryoneSubscribersBeforeNamedOnesInVersionOrder() {
        presence.subscribe(listener, List.of("Alex"));
        cluster.publish(new PresenceChange("Alex", true, 1));
        cluster.publish(new PresenceChange("Alex", false, 3));
        cluster.publish(new PresenceChange("Alex", true, 2));
        assertEquals(List.of("join Alex EVERYONE", "join Alex NAMED", "leave Alex EVERYONE", "leave Alex NAMED"), heard);
    }

    @Test
    void aListenerThatThrowsDoesNotKeepTheOthersFromHearing() {
        presence.subscribeAll((name, online, scope) -> {
            throw new IllegalStateException("broken subscriber");
        });
        presence.subscribe(listener, List.of("Carl"));
        cluster.publish(new PresenceChange("Carl", true, 1));
        assertEquals(List.of("join Carl EVERYONE", "join Carl NAMED"), heard);
    }

    @Test
    void aRemovedListenerHearsNothingMore() {
        presence.removeListener(listener);
        cluster.publish(new PresenceChange("Carl", true, 1));
        assertEquals(List.of(), heard);
        assertEquals(0, now(presence.subscriptionCount()));
    }

    @Test
    void sessionsReachTheClusterAsHoldsAndReleases() {
        presence.sessionOpened("Carl");
        cluster.completeOldest();
        presence.sessionClosed("Carl");
        assertEquals(List.of("hold Carl", "release Carl"), cluster.requests);
    }

    @Test
    void queryAllLeavesOutTheRequester() {
        assertEquals(List.of("Ben"), now(presence.onlineUsers("Alex")));
    }

    @Test
    void queryAnswersEveryDistinctNameInOrder() {
        assertEquals(List.of("Pedro", "Alex"), List.copyOf(now(presence.areOnline(List.of("Pedro", "Alex", "Pedro"))).keySet()));
        assertEquals(Map.of("Pedro", false, "Alex", true), now(presence.areOnline(List.of("Pedro", "Alex"))));
    }

    /** The replica answering queries says Alex and Ben are online; what subscribers were just told wins. */
    @Test
    void queriesFollowChangesJustDeliveredUntilTheReplicaHasCaughtUp() {
        cluster.publish(new PresenceChange("Ben", true, 1));
        cluster.publish(new PresenceChange("Ben", false, 2));
        cluster.publish(new PresenceChange("Carol", true, 3));
        assertEquals(Set.of("Alex", "Carol"), Set.copyOf(now(presence.onlineUsers(null))));
        assertEquals(Map.of("Ben", false, "Carol", true, "Alex", true), now(presence.areOnline(List.of("Ben", "Carol", "Alex"))));

        time.advance(DeliveryLog.RECENT_MILLIS + 1);
        assertEquals(Set.of("Alex", "Ben"), Set.copyOf(now(presence.onlineUsers(null))), "later, the replica's answer stands");
        assertEquals(0, presence.recentDeliveryCount());
    }
}
