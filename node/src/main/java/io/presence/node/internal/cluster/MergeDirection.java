package io.presence.node.internal.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.internal.cluster.impl.SplitBrainJoinMessage.SplitBrainMergeCheckResult;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which side of a split merges into which ({@link MergeSearch}): the merge keeps the map of the
 * side merged into, so a side without the majority ({@link RecentMajority}) must go to the side
 * that has it, whatever Hazelcast's tie-break between sides of one size says. Remembers each
 * address's last answer and since when it has been the same.
 */
final class MergeDirection {

    /**
     * How long a side without the majority hears that the other side should merge into it before
     * it merges into the other itself: two of its searches (less a little, as they start a few
     * milliseconds apart or more), in which the other would have merged had it no majority either
     * (it merges at its first answer).
     */
    static final long YIELD_MILLIS = 2 * MergeSearch.REPEAT_MILLIS - 500;
    /**
     * How long a side with the majority hears that it should merge into a side of its size before
     * it does: far longer than a side without the majority takes to come itself
     * ({@link #YIELD_MILLIS} and a search, whose questions may each wait up to 15 s).
     */
    static final long MAJORITY_PATIENCE_MILLIS = 30_000;

    /** The last answer of each address asked, with the member list it was asked with and since when it has been the same. */
    private final Map<Address, Answer> answers = new ConcurrentHashMap<>();

    private record Answer(SplitBrainMergeCheckResult result, int memberListVersion, long since) {
    }

    /**
     * Whether this side merges into the cluster at {@code address}, which answered {@code answer}
     * (Hazelcast's verdict, from this side's point of view) to a question put with
     * {@code memberListVersion}: into a {@code larger} side when told to; otherwise, a side without
     * the majority when told to, or when told for {@link #YIELD_MILLIS} that the other should
     * merge; a side with the majority when told to for {@link #MAJORITY_PATIENCE_MILLIS}.
     */
    boolean mergesInto(Address address, SplitBrainMergeCheckResult answer, boolean larger, boolean majority,
                       int memberListVersion) {
        long now = System.nanoTime() / 1_000_000;
        Answer same = answers.compute(address, (a, previous) -> previous != null && previous.result() == answer
                && previous.memberListVersion() == memberListVersion ? previous : new Answer(answer, memberListVersion, now));
        long heldFor = now - same.since();
        if (answer == SplitBrainMergeCheckResult.LOCAL_NODE_SHOULD_MERGE) {
            return larger || !majority || heldFor >= MAJORITY_PATIENCE_MILLIS;
        }
        return answer == SplitBrainMergeCheckResult.REMOTE_NODE_SHOULD_MERGE && !majority && heldFor >= YIELD_MILLIS;
    }
}
