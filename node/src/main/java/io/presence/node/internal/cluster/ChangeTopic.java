package io.presence.node.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import io.presence.node.internal.cluster.state.Change;
import io.presence.node.internal.cluster.state.ChangeBatch;
import io.presence.node.internal.presence.PresenceChange;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The topic on which the member whose request caused transitions publishes them, always as
 * {@link ChangeBatch}es: every node, this one included, hears each transition once.
 *
 * <p>Public for the data member ({@code cluster.datamember}), which runs on the same plumbing.
 */
public final class ChangeTopic {

    static final String NAME = "presence-changes";
    /** So that no topic message grows without bound (a whole-map release can cause thousands). */
    static final int MAX_BATCH = 10_000;

    private final ITopic<ChangeBatch> topic;
    /** Where logouts are remembered; null when last-seen times are not kept. */
    private final IMap<String, Long> lastSeen;
    private final List<UUID> registrations = new CopyOnWriteArrayList<>();

    /** @param lastSeen whether each logout published is remembered ({@link HazelcastLastSeen}) */
    public ChangeTopic(HazelcastInstance hazelcast, boolean lastSeen) {
        this.topic = hazelcast.getTopic(NAME);
        this.lastSeen = lastSeen ? hazelcast.getMap(HazelcastLastSeen.MAP) : null;
    }

    /** The changes an entry processor call made: its results less the nulls, which mean "nothing changed". */
    public static List<Change> made(Collection<Change> results) {
        List<Change> changes = new ArrayList<>(results.size());
        for (Change c : results) {
            if (c != null) {
                changes.add(c);
            }
        }
        return changes;
    }

    /**
     * Publishes {@code changes} (none: nothing to publish), in batches of at most {@link #MAX_BATCH},
     * and remembers their logouts: every decided change passes here, whichever member decided it.
     */
    public CompletionStage<Void> publish(List<Change> changes, long decidedAt) {
        if (changes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (lastSeen != null) {
            HazelcastLastSeen.record(lastSeen, changes);
        }
        if (changes.size() <= MAX_BATCH) {
            return topic.publishAsync(new ChangeBatch(changes, decidedAt));
        }
        List<CompletableFuture<Void>> slices = new ArrayList<>();
        for (int from = 0; from < changes.size(); from += MAX_BATCH) {
            List<Change> slice = new ArrayList<>(changes.subList(from, Math.min(changes.size(), from + MAX_BATCH)));
            slices.add(topic.publishAsync(new ChangeBatch(slice, decidedAt)).toCompletableFuture());
        }
        return CompletableFuture.allOf(slices.toArray(CompletableFuture[]::new));
    }

    /** Calls {@code listener} with each batch, on a Hazelcast event thread. */
    void subscribe(Consumer<List<PresenceChange>> listener) {
        registrations.add(topic.addMessageListener(message -> listener.accept(message.getMessageObject().toPresenceChanges())));
    }

    /** Removes this member's listeners. */
    void unsubscribeAll() {
        registrations.forEach(topic::removeMessageListener);
        registrations.clear();
    }
}
