package io.presence.node.internal.presence;

import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.support.VirtualTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reconciliation rounds: when they run, one at a time, and what they heal; in virtual time. */
@Tag("unit")
class ReconcilerTest {

    private static final long INTERVAL = 30_000;

    private final VirtualTime time = new VirtualTime();
    private final FakeCluster cluster = new FakeCluster();
    private final List<String> heard = new ArrayList<>();
    private PresenceService presence;

    @BeforeEach
    void setUp() {
        presence = new PresenceService(cluster, cluster, time, 0, INTERVAL, NodeMetrics.detached());
        presence.subscribeAll((name, online, scope, decidedAt) -> heard.add((online ? "join " : "leave ") + name));
        presence.start();
    }

    @Test
    void roundsRunEveryIntervalAndTwiceAfterAMembershipChange() {
        time.advance(INTERVAL - 1);
        assertEquals(0, cluster.dropDepartedCalls);
        time.advance(1);
        assertEquals(1, cluster.dropDepartedCalls);
        cluster.topologyListener.run();
        assertEquals(2, cluster.dropDepartedCalls, "at once");
        time.advance(Reconciler.SETTLE_MILLIS);
        assertEquals(3, cluster.dropDepartedCalls, "and once it has settled");
    }

    @Test
    void oneRoundRunsAtATimeAndOneAskedForMeanwhileFollows() {
        CompletableFuture<Integer> slow = new CompletableFuture<>();
        cluster.nextDrop = slow;
        presence.reconcile();
        presence.reconcile();
        presence.reconcile();
        assertEquals(1, cluster.dropDepartedCalls);
        time.execute(() -> slow.complete(0));
        assertEquals(2, cluster.dropDepartedCalls, "the ones asked for meanwhile run once, right after");
    }

    @Test
    void aFailedRoundIsTriedAgainAfterASecond() {
        cluster.nextDrop = CompletableFuture.failedFuture(new IllegalStateException("merging"));
        presence.reconcile();
        assertEquals(1, cluster.dropDepartedCalls);
        time.advance(Reconciler.RETRY_MILLIS);
        assertEquals(2, cluster.dropDepartedCalls);
    }

    @Test
    void aRoundThatNeverFinishesIsGivenUpAtItsDeadlineAndItsLateStepsChangeNothing() {
        presence.sessionOpened("Alex");
        cluster.completeOldest();
        CompletableFuture<Integer> stuck = new CompletableFuture<>();
        cluster.nextDrop = stuck;
        presence.reconcile();
        time.advance(Reconciler.ROUND_DEADLINE_MILLIS - 1);
        assertEquals(1, cluster.dropDepartedCalls, "still waiting for the stuck round");
        time.advance(1 + Reconciler.RETRY_MILLIS);
        assertEquals(2, cluster.dropDepartedCalls, "given up, and the next round ran");
        assertEquals(List.of("hold Alex", "hold Alex"), cluster.requests, "the next round held the lost user again");
        cluster.completeOldest();
        time.execute(() -> stuck.complete(null));
        assertEquals(List.of("hold Alex", "hold Alex"), cluster.requests, "the stuck round's late steps did nothing");
    }

    @Test
    void noRoundRunsBeforeStartOrAfterReleaseAll() {
        PresenceService idle = new PresenceService(cluster, cluster, time, 0, INTERVAL, NodeMetrics.detached());
        idle.reconcile();
        time.advance(2 * INTERVAL);
        int beforeReleaseAll = cluster.dropDepartedCalls;
        presence.releaseAll();
        time.advance(2 * INTERVAL);
        presence.reconcile();
        assertEquals(beforeReleaseAll, cluster.dropDepartedCalls);
    }

    @Test
    void aHoldTheClusterLostIsTakenAgain() {
        presence.sessionOpened("Alex");
        cluster.completeOldest();
        presence.reconcile();
        assertEquals(List.of("hold Alex", "hold Alex"), cluster.requests);
    }

    @Test
    void aMissedLeaveIsDeliveredOnceTwoRoundsInARowSawIt() {
        cluster.publish(new PresenceChange("Alex", true, 1));
        presence.reconcile();
        assertEquals(List.of("join Alex"), heard, "one sighting may be a repair under way");
        presence.reconcile();
        assertEquals(List.of("join Alex", "leave Alex"), heard);
        presence.reconcile();
        presence.reconcile();
        assertEquals(List.of("join Alex", "leave Alex"), heard, "healed: nothing more");
    }

    /**
     * A merge that kept the other side's map discarded the entry of a user connected here, and the
     * hold taken again has not answered by the rounds that compare the view with the map: the user
     * is online (connected here), so no leave (a fault run heard a leave, then a join 2 s later).
     */
    @Test
    void aUserWithASessionHereIsNotLoggedOutWhileTheMapLacksItsEntry() {
        presence.sessionOpened("Alex");
        cluster.completeOldest();
        cluster.publish(new PresenceChange("Alex", true, 1));
        presence.reconcile();
        presence.reconcile();
        presence.reconcile();
        assertEquals(List.of("hold Alex", "hold Alex"), cluster.requests, "held again, not answered yet");
        assertEquals(List.of("join Alex"), heard);
    }

    @Test
    void aJoinTheMapHasAtANewerVersionIsDeliveredInTheFirstRound() {
        cluster.publish(new PresenceChange("Alex", true, 1));
        cluster.publish(new PresenceChange("Alex", false, 2));
        cluster.mapHas("Alex", true, 3);
        cluster.mapHas("Ben", true, 1);
        presence.reconcile();
        assertEquals(List.of("join Alex", "leave Alex"), heard.subList(0, 2));
        assertEquals(Set.of("join Alex", "join Ben"), Set.copyOf(heard.subList(2, heard.size())));
        cluster.publish(new PresenceChange("Alex", true, 3));
        presence.reconcile();
        assertEquals(4, heard.size(), "its publication, arriving late, is not new: " + heard);
    }

    @Test
    void aLeaveTheMapHasAtANewerVersionIsDeliveredInTheFirstRound() {
        cluster.publish(new PresenceChange("Alex", true, 1));
        cluster.mapHas("Alex", false, 2);
        presence.reconcile();
        assertEquals(List.of("join Alex", "leave Alex"), heard, "a logout the map decided is no repair in progress");
    }

    @Test
    void aJoinTheMapHasAtAnOlderVersionThanALeaveIsNotDelivered() {
        cluster.publish(new PresenceChange("Alex", true, 1));
        cluster.publish(new PresenceChange("Alex", false, 5));
        cluster.mapHas("Alex", true, 4);
        presence.reconcile();
        assertEquals(List.of("join Alex", "leave Alex"), heard, "the map read raced the logout; two rounds decide");
    }

    @Test
    void aDiscrepancyThatANewerChangeSettlesIsNotDelivered() {
        cluster.publish(new PresenceChange("Alex", true, 1));
        presence.reconcile();
        cluster.publish(new PresenceChange("Alex", false, 2));
        presence.reconcile();
        presence.reconcile();
        assertEquals(List.of("join Alex", "leave Alex"), heard);
    }
}
