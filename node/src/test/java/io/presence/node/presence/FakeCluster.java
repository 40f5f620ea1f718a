package io.presence.node.presence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
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
    private final List<CompletableFuture<Void>> pending = new ArrayList<>();
    /** What queries and reconciliation read. */
    final Set<String> online = new HashSet<>();
    final Set<String> heldHere = new HashSet<>();
    Consumer<List<PresenceChange>> listener;
    Runnable topologyListener;
    int dropDepartedCalls;
    /** When set, the next dropDepartedHolders answers with this (so a round can be held open or failed). */
    CompletableFuture<Void> nextDrop;

    void publish(PresenceChange change) {
        listener.accept(List.of(change));
    }

    void completeOldest() {
        pending.remove(0).complete(null);
    }

    void failOldest() {
        pending.remove(0).completeExceptionally(new IllegalStateException("partition moved"));
    }

    int pendingRequests() {
        return pending.size();
    }

    @Override
    public CompletionStage<Void> hold(Collection<String> usernames) {
        return record("hold " + String.join(",", usernames));
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

    @Override
    public Set<String> onlineUsers() {
        return Set.copyOf(online);
    }

    @Override
    public boolean isOnline(String username) {
        return online.contains(username);
    }

    @Override
    public void onChange(Consumer<List<PresenceChange>> listener) {
        this.listener = listener;
    }

    @Override
    public CompletionStage<Set<String>> heldHere() {
        return CompletableFuture.completedFuture(Set.copyOf(heldHere));
    }

    @Override
    public CompletionStage<Set<String>> onlineUsersFromMap() {
        return CompletableFuture.completedFuture(Set.copyOf(online));
    }

    @Override
    public CompletionStage<Void> dropDepartedHolders() {
        dropDepartedCalls++;
        CompletableFuture<Void> answer = nextDrop == null ? CompletableFuture.completedFuture(null) : nextDrop;
        nextDrop = null;
        return answer;
    }

    @Override
    public void onTopologyChange(Runnable listener) {
        topologyListener = listener;
    }
}
