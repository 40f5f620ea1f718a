package io.presence.node.internal.presence;

import io.presence.node.support.VirtualTime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** This node's holds: sessions collapsed into cluster requests, batches, grace periods and retries, in virtual time. */
@Tag("unit")
class LocalHoldsTest {

    private static final long GRACE = 5_000;

    private final VirtualTime time = new VirtualTime();
    private final FakeCluster cluster = new FakeCluster();

    private final List<PresenceChange> caused = new ArrayList<>();

    private LocalHolds holds(long grace) {
        return new LocalHolds(cluster, time, grace, caused::addAll);
    }

    private void run(Runnable onPresenceThread) {
        time.execute(onPresenceThread);
    }

    @Test
    void secondLocalSessionDoesNotAskTheClusterAgain() {
        LocalHolds holds = holds(0);
        run(() -> {
            holds.sessionOpened("Alex");
            holds.sessionOpened("Alex");
        });
        cluster.completeOldest();
        run(() -> holds.sessionClosed("Alex"));
        assertEquals(List.of("hold Alex"), cluster.requests);
        run(() -> holds.sessionClosed("Alex"));
        assertEquals(List.of("hold Alex", "release Alex"), cluster.requests);
    }

    @Test
    void flapWhileAHoldIsInFlightCollapsesIntoNothingMore() {
        LocalHolds holds = holds(0);
        run(() -> {
            holds.sessionOpened("Alex");
            holds.sessionClosed("Alex");
            holds.sessionOpened("Alex");
        });
        cluster.completeOldest();
        assertEquals(List.of("hold Alex"), cluster.requests, "still wanted when the hold completed");
    }

    @Test
    void logoutDuringAHoldIsSentOnceTheHoldCompletesAndReleaseAllWaitsForIt() {
        LocalHolds holds = holds(0);
        run(() -> {
            holds.sessionOpened("Alex");
            holds.sessionClosed("Alex");
        });
        assertEquals(List.of("hold Alex"), cluster.requests, "one request in flight per user");
        cluster.completeOldest();
        assertEquals(List.of("hold Alex", "release Alex"), cluster.requests);
        List<CompletableFuture<Void>> released = new ArrayList<>();
        run(() -> released.add(holds.releaseAll().toCompletableFuture()));
        assertFalse(released.get(0).isDone(), "the release is still in flight");
        cluster.completeOldest();
        assertTrue(released.get(0).isDone());
    }

    @Test
    void holdsThatArriveWhileBatchesAreInFlightGoOutTogether() {
        LocalHolds holds = holds(0);
        int inFlight = LocalHolds.MAX_BATCHES_IN_FLIGHT;
        List<String> expected = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        run(() -> {
            for (int i = 0; i < inFlight + 6; i++) {
                holds.sessionOpened("u" + i);
                (i < inFlight ? expected : waiting).add(i < inFlight ? "hold u" + i : "u" + i);
            }
        });
        assertEquals(expected, cluster.requests, "a few batches in flight; the rest wait");
        cluster.completeOldest();
        assertEquals("hold " + String.join(",", waiting), cluster.requests.get(inFlight), "what waited goes out as one batch");
    }

    @Test
    void theGracePeriodKeepsTheUserHeldUntilItsTimerEnds() {
        LocalHolds holds = holds(GRACE);
        run(() -> holds.sessionOpened("Alex"));
        cluster.completeOldest();
        run(() -> holds.sessionClosed("Alex"));
        time.advance(GRACE - 1);
        assertEquals(List.of("hold Alex"), cluster.requests, "still within the grace period");
        time.advance(1);
        assertEquals(List.of("hold Alex", "release Alex"), cluster.requests, "released when the grace period ends");
    }

    @Test
    void comingBackWithinTheGracePeriodAsksTheClusterNothing() {
        LocalHolds holds = holds(GRACE);
        run(() -> holds.sessionOpened("Alex"));
        cluster.completeOldest();
        for (int i = 0; i < 5; i++) {
            run(() -> holds.sessionClosed("Alex"));
            time.advance(GRACE / 2);
            run(() -> holds.sessionOpened("Alex"));
        }
        time.advance(3 * GRACE);
        assertEquals(List.of("hold Alex"), cluster.requests);
        assertTrue(time.pendingTimers() <= 1, "a flapping user does not pile up timers: " + time.pendingTimers());
    }

    @Test
    void aFailedHoldIsTriedAgainAfterAPauseNotAtOnce() {
        LocalHolds holds = holds(0);
        run(() -> holds.sessionOpened("Alex"));
        cluster.failOldest();
        assertEquals(List.of("hold Alex"), cluster.requests);
        time.advance(LocalHolds.RETRY_MILLIS - 1);
        assertEquals(List.of("hold Alex"), cluster.requests, "not before the pause");
        time.advance(1);
        assertEquals(List.of("hold Alex", "hold Alex"), cluster.requests);
        cluster.completeOldest();
        run(() -> holds.sessionClosed("Alex"));
        assertEquals(List.of("hold Alex", "hold Alex", "release Alex"), cluster.requests, "the retried hold took");
    }

    @Test
    void releaseAllEndsGracePeriodsAtOnce() {
        LocalHolds holds = holds(GRACE);
        run(() -> holds.sessionOpened("Alex"));
        cluster.completeOldest();
        run(() -> holds.sessionClosed("Alex"));
        List<CompletableFuture<Void>> released = new ArrayList<>();
        run(() -> released.add(holds.releaseAll().toCompletableFuture()));
        assertEquals(List.of("hold Alex", "release Alex"), cluster.requests);
        cluster.completeOldest();
        assertTrue(released.get(0).isDone());
    }

    @Test
    void aSessionThatOpensWhileEveryHoldIsReleasedIsNotHeld() {
        LocalHolds holds = holds(0);
        List<CompletableFuture<Void>> released = new ArrayList<>();
        run(() -> released.add(holds.releaseAll().toCompletableFuture()));
        run(() -> holds.sessionOpened("Late"));
        run(() -> holds.sessionClosed("Late"));
        assertEquals(List.of(), cluster.requests, "a hold now would outlive the node");
        assertTrue(released.get(0).isDone());
    }

    @Test
    void reassertHoldsAgainWhatTheClusterLostAndReleasesHoldsWithoutASession() {
        LocalHolds holds = holds(0);
        run(() -> holds.sessionOpened("Alex"));
        cluster.completeOldest();
        run(() -> holds.reassert(Set.of("Stray")));
        assertEquals(List.of("hold Alex", "hold Alex", "release Stray"), cluster.requests);
    }

    @Test
    void theChangesARequestCausedArePassedOnWhenItCompletes() {
        LocalHolds holds = holds(0);
        run(() -> holds.sessionOpened("Alex"));
        assertEquals(List.of(), caused);
        cluster.completeOldest(List.of(new PresenceChange("Alex", true, 7)));
        assertEquals(List.of(new PresenceChange("Alex", true, 7)), caused);
    }

    @Test
    void moreClosesThanOpensAreIgnored() {
        LocalHolds holds = holds(0);
        run(() -> holds.sessionClosed("Alex"));
        assertEquals(List.of(), cluster.requests);
    }
}
