package io.presence.node.internal.presence;

import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.support.VirtualTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The facade: changes reach subscribers, sessions reach the cluster, queries answer from the same view. */
@Tag("unit")
class PresenceServiceTest {

    private final VirtualTime time = new VirtualTime();
    private final FakeCluster cluster = new FakeCluster();
    private final List<String> heard = new ArrayList<>();
    private final PresenceListener listener = (name, online, scope, decidedAt) -> heard.add((online ? "join " : "leave ") + name + " " + scope);
    private PresenceService presence;

    @BeforeEach
    void setUp() {
        presence = new PresenceService(cluster, cluster, time, 0, 30_000, NodeMetrics.detached());
        presence.subscribeAll(listener);
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
    void aNodesOwnLoginIsDeliveredWhenItsHoldCompletesAndItsPublicationIsNotDeliveredAgain() {
        presence.sessionOpened("Carl");
        cluster.completeOldest(List.of(new PresenceChange("Carl", true, 5)));
        assertEquals(List.of("join Carl EVERYONE"), heard, "without waiting for the topic");
        cluster.publish(new PresenceChange("Carl", true, 5));
        assertEquals(List.of("join Carl EVERYONE"), heard);
        assertEquals(List.of("Carl"), presence.online().names());
    }

    @Test
    void aListenerThatThrowsDoesNotKeepTheOthersFromHearing() {
        presence.subscribeAll((name, online, scope, decidedAt) -> {
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
        assertEquals(0, presence.subscriptionCount().toCompletableFuture().join());
    }

    @Test
    void sessionsReachTheClusterAsHoldsAndReleases() {
        presence.sessionOpened("Carl");
        cluster.completeOldest();
        presence.sessionClosed("Carl");
        assertEquals(List.of("hold Carl", "release Carl"), cluster.requests);
    }

    @Test
    void startFillsTheViewFromTheMapWithoutTellingAnyone() {
        cluster.mapHas("Alex", true, 3);
        cluster.mapHas("Ben", true, 4);
        cluster.publish(new PresenceChange("Ben", false, 5));
        heard.clear();
        presence.start();
        assertEquals(Set.of("Alex"), Set.copyOf(presence.online().names()), "Ben's later leave stands");
        assertEquals(List.of("join Alex EVERYONE"), heard);
    }

    @Test
    void queriesAnswerFromWhatSubscribersWereTold() {
        cluster.publish(new PresenceChange("Alex", true, 1));
        cluster.publish(new PresenceChange("Ben", true, 1));
        cluster.publish(new PresenceChange("Ben", false, 2));
        assertEquals(List.of("Alex"), presence.online().names());
        assertEquals(Map.of("Ben", false, "Alex", true), presence.areOnline(List.of("Ben", "Alex", "Ben")));
        assertEquals(List.of("Ben", "Alex"), List.copyOf(presence.areOnline(List.of("Ben", "Alex", "Ben")).keySet()),
                "every distinct name, in order");
    }
}
