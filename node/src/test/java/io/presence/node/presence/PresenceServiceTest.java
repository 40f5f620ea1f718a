package io.presence.node.presence;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The presence rules on their own: ordering of published changes and the collapsing of local
 * sessions into cluster requests. The cluster here is a recorder whose requests the test
 * completes by hand, in the order it chooses; the cluster itself is tested against Hazelcast
 * in the cluster package.
 */
class PresenceServiceTest {

    /** Runs tasks one at a time on the test thread, like the single presence thread. */
    private static final class InlineExecutor implements PresenceExecutor {
        private final Queue<Runnable> tasks = new ArrayDeque<>();
        private boolean running;

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
            try {
                Runnable next;
                while ((next = tasks.poll()) != null) {
                    next.run();
                }
            } finally {
                running = false;
            }
        }

        @Override
        public void schedule(long delayMillis, Runnable task) {
            execute(task);
        }
    }

    private static final class RecordingCluster implements PresenceCluster {
        final List<String> requests = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        Consumer<List<PresenceChange>> listener;

        void publish(PresenceChange change) {
            listener.accept(List.of(change));
        }

        @Override
        public CompletionStage<Void> claim(Collection<String> usernames) {
            return record("claim " + String.join(",", usernames));
        }

        @Override
        public CompletionStage<Void> release(Collection<String> usernames) {
            return record("release " + String.join(",", usernames));
        }

        private CompletionStage<Void> record(String request) {
            requests.add(request);
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        void completeOldest() {
            pending.remove(0).complete(null);
        }

        @Override
        public java.util.Set<String> onlineUsers() {
            return java.util.Set.of("Alex", "Ben");
        }

        @Override
        public CompletionStage<java.util.Set<String>> checkedOnlineUsers() {
            return CompletableFuture.completedFuture(onlineUsers());
        }

        @Override
        public boolean isOnline(String username) {
            return onlineUsers().contains(username);
        }

        @Override
        public CompletionStage<java.util.Set<String>> heldHere() {
            return CompletableFuture.completedFuture(java.util.Set.of());
        }

        @Override
        public CompletionStage<Void> dropDepartedHolders() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onTopologyChange(Runnable listener) {
            // no topology here
        }

        @Override
        public void onChange(Consumer<List<PresenceChange>> listener) {
            this.listener = listener;
        }
    }

    private RecordingCluster cluster;
    private PresenceService presence;
    private final List<String> heard = new ArrayList<>();
    private long now;
    private final PresenceListener listener = (name, online, scope) -> heard.add((online ? "join " : "leave ") + name + " " + scope);

    @BeforeEach
    void setUp() {
        cluster = new RecordingCluster();
        presence = new PresenceService(cluster, new InlineExecutor(), () -> now, 0);
        presence.subscribeAll(listener);
    }

    @Test
    void lateOlderChangeIsDropped() {
        cluster.publish(new PresenceChange("Alex", true, 1));
        cluster.publish(new PresenceChange("Alex", false, 3));
        cluster.publish(new PresenceChange("Alex", true, 2));
        assertEquals(List.of("join Alex EVERYONE", "leave Alex EVERYONE"), heard);
    }

    @Test
    void newerChangeToTheSameStateIsNotRepeated() {
        cluster.publish(new PresenceChange("Alex", true, 1));
        cluster.publish(new PresenceChange("Alex", true, 3));
        cluster.publish(new PresenceChange("Alex", false, 4));
        assertEquals(List.of("join Alex EVERYONE", "leave Alex EVERYONE"), heard);
    }

    @Test
    void everyoneSubscribersHearBeforeNamedOnes() {
        presence.subscribe(listener, List.of("Alex"));
        cluster.publish(new PresenceChange("Alex", true, 1));
        assertEquals(List.of("join Alex EVERYONE", "join Alex NAMED"), heard);
    }

    @Test
    void secondLocalSessionDoesNotAskTheClusterAgain() {
        presence.sessionOpened("Alex");
        presence.sessionOpened("Alex");
        cluster.completeOldest();
        presence.sessionClosed("Alex");
        assertEquals(List.of("claim Alex"), cluster.requests);
        presence.sessionClosed("Alex");
        assertEquals(List.of("claim Alex", "release Alex"), cluster.requests);
    }

    @Test
    void flapWhileAClaimIsInFlightCollapsesIntoNothingMore() {
        presence.sessionOpened("Alex");
        presence.sessionClosed("Alex");
        presence.sessionOpened("Alex");
        cluster.completeOldest();
        assertEquals(List.of("claim Alex"), cluster.requests, "still wanted when the claim completed");
    }

    @Test
    void logoutDuringAClaimIsSentOnceTheClaimCompletes() {
        presence.sessionOpened("Alex");
        presence.sessionClosed("Alex");
        assertEquals(List.of("claim Alex"), cluster.requests, "one request in flight per user");
        cluster.completeOldest();
        assertEquals(List.of("claim Alex", "release Alex"), cluster.requests);
        CompletableFuture<Void> drained = presence.drain().toCompletableFuture();
        assertEquals(false, drained.isDone(), "the release is still in flight");
        cluster.completeOldest();
        assertEquals(true, drained.isDone());
    }

    @Test
    void loginsThatArriveWhileBatchesAreInFlightGoOutTogether() {
        int inFlight = PresenceService.MAX_BATCHES_IN_FLIGHT;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            presence.sessionOpened("u" + i);
            expected.add("claim u" + i);
        }
        List<String> waiting = new ArrayList<>();
        for (int i = inFlight; i < inFlight + 6; i++) {
            presence.sessionOpened("u" + i);
            waiting.add("u" + i);
        }
        assertEquals(expected, cluster.requests, "a few batches in flight; the rest wait");
        cluster.completeOldest();
        assertEquals("claim " + String.join(",", waiting), cluster.requests.get(inFlight), "what waited goes out as one batch");
    }

    @Test
    void queryAllLeavesOutTheRequester() {
        assertEquals(List.of("Ben"), presence.onlineUsers("Alex").toCompletableFuture().join());
    }

    @Test
    void queryAnswersEveryDistinctNameInOrder() {
        assertEquals(List.of("Pedro", "Alex"), List.copyOf(presence.areOnline(List.of("Pedro", "Alex", "Pedro"))
                .toCompletableFuture().join().keySet()));
    }

    /** The replica answering queries says Alex and Ben are online; what subscribers were just told wins. */
    @Test
    void queriesFollowChangesJustDeliveredUntilTheReplicaHasCaughtUp() {
        cluster.publish(new PresenceChange("Ben", true, 1));
        cluster.publish(new PresenceChange("Ben", false, 2));
        cluster.publish(new PresenceChange("Carol", true, 3));
        assertEquals(java.util.Set.of("Alex", "Carol"), java.util.Set.copyOf(presence.onlineUsers(null).toCompletableFuture().join()));
        assertEquals(Map.of("Ben", false, "Carol", true, "Alex", true),
                presence.areOnline(List.of("Ben", "Carol", "Alex")).toCompletableFuture().join());

        now += PresenceService.RECENT_MILLIS + 1;
        assertEquals(java.util.Set.of("Alex", "Ben"), java.util.Set.copyOf(presence.onlineUsers(null).toCompletableFuture().join()),
                "later, the replica's answer stands");
    }

    @Test
    void deliveriesOlderThanTheWindowAreForgottenEvenWithoutQueries() {
        for (int i = 0; i < 1_000; i++) {
            cluster.publish(new PresenceChange("user-" + i, true, 1));
            now += 10;
        }
        // at the last delivery (9,990 ms) only those from 4,990 ms on are within the window
        assertEquals(PresenceService.RECENT_MILLIS / 10 + 1, presence.recentDeliveryCount());
    }
}
