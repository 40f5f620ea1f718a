package io.presence.node.internal.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.ClusterState;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.cluster.memberselector.MemberSelectors;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.cluster.impl.ClusterServiceImpl;
import com.hazelcast.internal.cluster.impl.SplitBrainJoinMessage;
import com.hazelcast.internal.cluster.impl.SplitBrainJoinMessage.SplitBrainMergeCheckResult;
import com.hazelcast.internal.cluster.impl.TcpIpJoiner;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast's split-brain search, run by us: looks for the rest of the cluster as soon as this
 * member finds itself on the small side (it woke from a freeze to find the others had dropped it,
 * or a split cut it off), and again every {@link #REPEAT_MILLIS} while it stays there; on a side
 * that holds the majority, every {@link #MAJORITY_REPEAT_MILLIS}, as Hazelcast's periodic search
 * did, which {@link #replaceHazelcastSearch} turns off. Until a merge takes it back, the small
 * side holds the users map as it was when it was cut off; a node that starts meanwhile may join it
 * rather than the others, which makes the stale side the larger one, able to decide, and the side
 * whose map the merge keeps (the randomized fault run saw this: a node restarted 5 s after another
 * woke from a 4.5 s stop, and webhook events were lost and repeated).
 *
 * <p><b>Which side merges into which.</b> The merge keeps the map of the side merged into.
 * Hazelcast's answer sends the smaller side into the larger and, between sides of one size, the
 * one whose master's address sorts after the other's, whichever holds the truth: the fault run
 * saw a survivor of a split, left alone when the third member stopped, merged into the cut-off
 * member, and every transition the survivor had decided since the split was lost. Here a side
 * with the majority ({@link RecentMajority}) merges into a larger side at once, as Hazelcast
 * says, but into one of its own size only once Hazelcast has said so for a long while; a side
 * without it merges when told to, or when told for a few seconds that the other side should merge
 * instead: a side that does not come within that time holds the majority, or it would have merged
 * (sides without it search every {@link #REPEAT_MILLIS}); {@link MergeDirection} keeps the rule. So a side without the majority goes to the one that has it, two sides
 * without it go as Hazelcast says, and so do two sides that both have it (members that started
 * apart), the larger at once, between equals later.
 *
 * <p>Only a side's master searches, as in Hazelcast's own search. The search is taken step by
 * step ({@link #search}) so that one merge happens at a time: searches overlap (one may wait
 * seconds for an address that does not answer), and two that reached the others at once both
 * merged, the second restarting the member again; a search started while a merge ran asked the
 * others under the member's new UUID and their master, taking that for a member that had split
 * off, removed the member it had just admitted (4 s more on its own until heartbeats told it).
 * Reaches into Hazelcast's internal joiner ({@link JoinerSteps}); if that is not there (another
 * Hazelcast version) it does nothing, says so once, and Hazelcast's periodic search stays on.
 *
 * <p>Public for the data member ({@code cluster.datamember}): in client mode a data member cut
 * off from the others is the small side, and the nodes whose clients follow it can record nothing
 * until it merges back.
 */
public final class MergeSearch implements AutoCloseable {

    /** How long after a member left the verdict of the split-brain protection is read: it is updated on another thread. */
    static final long SETTLE_MILLIS = 200;
    /** How often a member on the small side starts a search. */
    static final long REPEAT_MILLIS = 2_000;
    /** How often the master of a side with the majority starts one (Hazelcast's periodic search ran every 10 s here). */
    static final long MAJORITY_REPEAT_MILLIS = 10_000;
    /** Hazelcast's own search, turned off where this one runs: its first run a year after the start. */
    private static final String HAZELCAST_SEARCH_OFF = String.valueOf(365L * 24 * 3600);
    /**
     * Searches that may run at once. A search asks the member list's addresses all at once and
     * waits for those that do not answer up to Hazelcast's fixed timeouts (5 s to connect, 10 s
     * for the answer), so one started while the link was still cut can outlast the cut by
     * seconds; the next starts {@link #REPEAT_MILLIS} later anyway.
     */
    static final int CONCURRENT = 3;
    private static final Logger LOG = LoggerFactory.getLogger(MergeSearch.class);

    private final HazelcastInstance hazelcast;
    private final Node node;
    private final JoinerSteps joiner;
    private final SplitBrainProtection protection;
    private final AtomicInteger running = new AtomicInteger();
    /** Held by the one search that merges; the others, finding it held, leave the merge to it. */
    private final ReentrantLock merging = new ReentrantLock();
    /** Whether a merge runs (Hazelcast's or ours): between MERGING and MERGED or MERGE_FAILED no search may ask anyone. */
    private volatile boolean mergeRunning;
    /** Threads of their own: a search blocks for seconds on addresses that do not answer. */
    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(CONCURRENT + 1, runnable -> {
        Thread t = new Thread(runnable, "presence-merge-search");
        t.setDaemon(true);
        return t;
    });
    /** A search's questions, one thread each, so that an address that does not answer holds up no other. */
    private final ExecutorService askers = Executors.newCachedThreadPool(runnable -> {
        Thread t = new Thread(runnable, "presence-merge-ask");
        t.setDaemon(true);
        return t;
    });
    private UUID registration;
    private UUID lifecycleRegistration;
    /** Whether the last check found this member on the small side: the first search of a stretch is logged at INFO. */
    private volatile boolean small;
    /** When the master of a side with the majority last started a search (monotonic ms). */
    private volatile long lastMajoritySearch = System.nanoTime() / 1_000_000;
    /** Which side merges into which, from the answers heard. */
    private final MergeDirection direction = new MergeDirection();

    private MergeSearch(HazelcastInstance hazelcast, Node node) throws NoSuchMethodException {
        this.hazelcast = hazelcast;
        this.node = node;
        this.joiner = new JoinerSteps(node.getJoiner());
        this.protection = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(RecentMajority.NAME);
    }

    /** Starts watching {@code member}'s membership; returns what stops it (nothing when the joiner cannot be reached). */
    public static AutoCloseable watch(HazelcastInstance member) {
        MergeSearch search;
        try {
            search = new MergeSearch(member, MemberInternals.node(member));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("cannot search for the rest of the cluster after a split ({}); merges are left to Hazelcast's "
                    + "periodic search, where it is on", e.toString());
            return () -> { };
        }
        search.lifecycleRegistration = member.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.MERGING) {
                search.mergeRunning = true;
            } else if (event.getState() == LifecycleState.MERGED || event.getState() == LifecycleState.MERGE_FAILED) {
                search.mergeRunning = false;
            }
        });
        search.registration = member.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // nothing: a member that joins never makes a side smaller
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                try {
                    search.threads.schedule(search::searchIfMaster, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                    // the node is stopping
                }
            }
        });
        search.threads.scheduleAtFixedRate(search::searchIfMaster, REPEAT_MILLIS, REPEAT_MILLIS, TimeUnit.MILLISECONDS);
        return search;
    }

    /**
     * Turns Hazelcast's periodic split-brain search off in {@code config} where this search will
     * run in its place (the TCP-IP and discovery joiners, the joiner's steps reachable): its
     * answer alone would merge a side with the majority into one without.
     */
    static void replaceHazelcastSearch(Config config) {
        JoinConfig join = config.getNetworkConfig().getJoin();
        if (join.getMulticastConfig().isEnabled()) {
            return;
        }
        if (!JoinerSteps.reachable(TcpIpJoiner.class)) {
            return;
        }
        // the first run only: the next-run delay is also how long a side of several keeps trying
        // to freeze itself for a merge (the joiner's step that ours takes too)
        config.setProperty(ClusterProperty.MERGE_FIRST_RUN_DELAY_SECONDS.getName(), HAZELCAST_SEARCH_OFF);
    }

    /**
     * Starts a search when this member is its side's master and fewer than {@link #CONCURRENT}
     * run: on the small side each time, on a side with the majority every {@link #MAJORITY_REPEAT_MILLIS}.
     */
    private void searchIfMaster() {
        try {
            if (!hazelcast.getLifecycleService().isRunning() || mergeRunning
                    || !hazelcast.getCluster().getMembers().iterator().next().localMember()) {
                small = false;
                return;
            }
            boolean majority = protection.hasMinimumSize();
            long now = System.nanoTime() / 1_000_000;
            if (majority) {
                small = false;
                if (now - lastMajoritySearch < MAJORITY_REPEAT_MILLIS) {
                    return;
                }
                lastMajoritySearch = now;
            } else {
                if (!small) {
                    LOG.info("on the small side ({} members): looking for the rest of the cluster now, then every {} ms",
                            hazelcast.getCluster().getMembers().size(), REPEAT_MILLIS);
                }
                small = true;
            }
            if (running.incrementAndGet() > CONCURRENT) {
                running.decrementAndGet();
                return;
            }
            threads.execute(() -> {
                try {
                    search(majority);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | ReflectiveOperationException e) {
                    LOG.debug("searching for the rest of the cluster failed: {}", e.toString());
                } finally {
                    running.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            // a member shutting down, or the pool closed: nothing to search for
            LOG.debug("could not start a search for the rest of the cluster: {}", e.toString());
        }
    }

    /**
     * What Hazelcast's TCP-IP joiner does in its split-brain search (ask each configured address
     * that is not a member whether this side should merge into its cluster), with five
     * differences: the addresses are asked at once rather than one after the other; which side
     * merges follows the majority ({@link MergeDirection}); it stops once anything has changed since
     * it began (a merge ran, the member list moved, the member's UUID changed, the state froze);
     * only the search that holds {@link #merging} merges; and a member alone on its side merges at
     * once, as Hazelcast's own merge does on each member of a side, where Hazelcast's step would
     * first freeze the side, which waits while partition migrations are pending (after two
     * members left one after the other, Hazelcast pauses migrations for 3 s). A side of several
     * still takes that step, which also tells the others.
     *
     * @param majority whether this side held the majority when the search started
     */
    private void search(boolean majority) throws ReflectiveOperationException, InterruptedException {
        ClusterServiceImpl clusterService = node.getClusterService();
        List<Address> addresses = new ArrayList<>(joiner.possibleAddresses());
        addresses.remove(node.getThisAddress());
        addresses.removeAll(clusterService.getMemberAddresses());
        if (addresses.isEmpty()) {
            return;
        }
        SplitBrainJoinMessage question = node.createSplitBrainJoinMessage();
        CompletionService<Reply> replies = new ExecutorCompletionService<>(askers);
        for (Address address : addresses) {
            replies.submit(() -> {
                try {
                    return new Reply(address, joiner.ask(address, question));
                } catch (RuntimeException | ReflectiveOperationException e) {
                    return new Reply(address, null);
                }
            });
        }
        for (int i = 0; i < addresses.size(); i++) {
            Reply reply;
            try {
                reply = replies.take().get();
            } catch (ExecutionException e) {
                continue;
            }
            if (!unchangedSince(question)) {
                return;
            }
            SplitBrainJoinMessage other = reply.message();
            SplitBrainMergeCheckResult answer = other == null ? SplitBrainMergeCheckResult.CANNOT_MERGE
                    : clusterService.getClusterJoinManager().shouldMerge(other);
            boolean larger = other != null && other.getDataMemberCount() > clusterService.getSize(MemberSelectors.DATA_MEMBER_SELECTOR);
            if (!direction.mergesInto(reply.address(), answer, larger, majority, question.getMemberListVersion())) {
                continue;
            }
            if (!merging.tryLock()) {
                return;
            }
            try {
                if (!unchangedSince(question)) {
                    return;
                }
                Address address = reply.address();
                if (clusterService.getSize() == 1) {
                    LOG.info("this member is merging into the cluster of {} (alone on its side{})", address,
                            answer == SplitBrainMergeCheckResult.LOCAL_NODE_SHOULD_MERGE ? ""
                                    : ", which has no majority, while that cluster did not come to it");
                    clusterService.merge(address);
                } else {
                    LOG.info("this side ({} members) is merging into the cluster of {}", clusterService.getSize(), address);
                    joiner.mergeSide(address, question.getMemberListVersion());
                }
            } finally {
                merging.unlock();
            }
            return;
        }
    }

    /** One address's answer to a question: its side's own join message, or null when it gave none. */
    private record Reply(Address address, SplitBrainJoinMessage message) {
    }

    /** Whether this member is as it was when {@code question} was put: no merge since, the same UUID, member list and state. */
    private boolean unchangedSince(SplitBrainJoinMessage question) {
        ClusterServiceImpl clusterService = node.getClusterService();
        ClusterState state = clusterService.getClusterState();
        return node.isRunning() && !mergeRunning
                && question.getUuid().equals(node.getThisUuid())
                && question.getMemberListVersion() == clusterService.getMemberListVersion()
                // a side of several that one search has frozen for its merge is merging already
                && (state == ClusterState.ACTIVE || state == ClusterState.NO_MIGRATION);
    }

    @Override
    public void close() {
        threads.shutdownNow();
        askers.shutdownNow();
        if (hazelcast.getLifecycleService().isRunning()) {
            if (registration != null) {
                hazelcast.getCluster().removeMembershipListener(registration);
            }
            if (lifecycleRegistration != null) {
                hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
            }
        }
    }
}
