package io.presence.node.internal.presence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A cluster that records what it is asked and lets the test answer each request by hand, in the
 * order it chooses; the real one is tested against Hazelcast in the cluster package.
 */
final class FakeCluster implements PresenceCluster, ClusterRepair {

    final List<String> requests = new ArrayList<>();
    private final List<CompletableFuture<List<PresenceChange>>> pending = new ArrayList<>();
    /** What the map holds: username to its latest change. */
    final Map<String, PresenceChange> inMap = new HashMap<>();
    final Set<String> heldHere = new HashSet<>();
    Consumer<List<PresenceChange>> listener;
    Runnable topologyListener;
    int dropDepartedCalls;
    /** When set, the next dropDepartedHolders answers with this (so a round can be held open or failed). */
    CompletableFuture<Integer> nextDrop;

    void publish(PresenceChange change) {
        listener.accept(List.of(change));
    }

    /** Answers the oldest request: it caused no change (the cluster had it already). */
    void completeOldest() {
        completeOldest(List.of());
    }

    /** Answers the oldest request with the changes it caused. */
    void completeOldest(List<PresenceChange> caused) {
        pending.remove(0).complete(caused);
    }

    void failOldest() {
        pending.remove(0).completeExceptionally(new IllegalStateException("partition moved"));
    }

    int pendingRequests() {
        return pending.size();
    }

    @Override
    public CompletionStage<List<PresenceChange>> hold(Collection<String> usernames) {
        return record("hold " + String.join(",", usernames));
    }

    @Override
    public CompletionStage<List<PresenceChange>> release(Collection<String> usernames) {
        return record("release " + String.join(",", usernames));
    }

    private CompletionStage<List<PresenceChange>> record(String request) {
        requests.add(request);
        CompletableFuture<List<PresenceChange>> f = new CompletableFuture<>();
        pending.add(f);
        return f;
    }

    @Override
    public void onChange(Consumer<List<PresenceChange>> listener) {
        this.listener = listener;
    }

    @Override
    public CompletionStage<Set<String>> heldHere() {
        return CompletableFuture.completedFuture(Set.copyOf(heldHere));
    }

    /** The map records this change as the user's latest. */
    void mapHas(String username, boolean online, long version) {
        inMap.put(username, new PresenceChange(username, online, version));
    }

    @Override
    public CompletionStage<Map<String, PresenceChange>> latestChangesFromMap() {
        return CompletableFuture.completedFuture(Map.copyOf(inMap));
    }

    @Override
    public CompletionStage<Integer> dropDepartedHolders() {
        dropDepartedCalls++;
        CompletableFuture<Integer> answer = nextDrop == null ? CompletableFuture.completedFuture(0) : nextDrop;
        nextDrop = null;
        return answer;
    }

    @Override
    public CompletionStage<Void> takeOverOrphanedWebhookEvents() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onTopologyChange(Runnable listener) {
        topologyListener = listener;
    }
}
