package io.presence.node.internal.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.ClusterState;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.cluster.Joiner;
import com.hazelcast.internal.cluster.impl.ClusterServiceImpl;
import com.hazelcast.internal.cluster.impl.SplitBrainJoinMessage;
import com.hazelcast.internal.cluster.impl.SplitBrainJoinMessage.SplitBrainMergeCheckResult;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks for the rest of the cluster as soon as this member finds itself on the small side (it
 * woke from a freeze to find the others had dropped it, or a split cut it off), and again every
 * {@link #REPEAT_MILLIS} while it stays there, instead of waiting for Hazelcast's periodic
 * split-brain search (every 10 s here). Until a merge takes it back, the small side holds the
 * users map as it was when it was cut off; a node that starts meanwhile may join it rather than
 * the others, which makes the stale side the larger one, able to decide, and the side whose map
 * the merge keeps (the randomized fault run saw this: a node restarted 5 s after another woke from
 * a 4.5 s stop, and webhook events were lost and repeated).
 *
 * <p>Only the small side's master searches, as Hazelcast's own search does. The search is
 * Hazelcast's, taken step by step ({@link #search()}) so that one merge happens at a time:
 * searches overlap (one may wait seconds on an address that does not answer), and two that
 * reached the others at once both merged, the second restarting the member again; a search
 * started while a merge ran asked the others under the member's new UUID and their master, taking
 * that for a member that had split off, removed the member it had just admitted (4 s more on its
 * own until heartbeats told it). Reaches into Hazelcast's internal joiner; if that is not there
 * (another Hazelcast version) it does nothing, and says so once: the periodic search remains.
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
    /**
     * Searches that may run at once. A search tries the member list's addresses one after the
     * other and waits seconds for each that does not answer (Hazelcast's fixed timeouts), so one
     * started while the link was still cut can outlast the cut by many seconds; the next starts
     * {@link #REPEAT_MILLIS} later anyway.
     */
    static final int CONCURRENT = 3;
    private static final Logger LOG = LoggerFactory.getLogger(MergeSearch.class);

    private final HazelcastInstance hazelcast;
    private final Node node;
    private final Joiner joiner;
    /** The joiner's own steps, which it keeps to itself: the addresses to ask, one question, a merge of the whole small side. */
    private final Method possibleAddresses;
    private final Method ask;
    private final Method mergeSmallSide;
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
    private UUID registration;
    private UUID lifecycleRegistration;
    /** Whether the last check found this member on the small side: the first search of a stretch is logged at INFO. */
    private volatile boolean small;

    private MergeSearch(HazelcastInstance hazelcast, Node node) throws NoSuchMethodException {
        this.hazelcast = hazelcast;
        this.node = node;
        this.joiner = node.getJoiner();
        if (joiner == null) {
            throw new IllegalStateException("no joiner");
        }
        this.possibleAddresses = declared(joiner.getClass(), "getPossibleAddresses");
        this.ask = declared(joiner.getClass(), "sendSplitBrainJoinMessageAndCheckResponse", Address.class, SplitBrainJoinMessage.class);
        this.mergeSmallSide = declared(joiner.getClass(), "startClusterMerge", Address.class, int.class);
        this.protection = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(RecentMajority.NAME);
    }

    /** Starts watching {@code member}'s membership; returns what stops it (nothing when the joiner cannot be reached). */
    public static AutoCloseable watch(HazelcastInstance member) {
        MergeSearch search;
        try {
            search = new MergeSearch(member, MemberInternals.node(member));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("cannot search for the rest of the cluster when on the small side ({}); Hazelcast's periodic "
                    + "search remains", e.toString());
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
                    search.threads.schedule(search::searchIfSmall, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                    // the node is stopping
                }
            }
        });
        search.threads.scheduleAtFixedRate(search::searchIfSmall, REPEAT_MILLIS, REPEAT_MILLIS, TimeUnit.MILLISECONDS);
        return search;
    }

    /** Starts a search when this member is the master of the small side and fewer than {@link #CONCURRENT} run. */
    private void searchIfSmall() {
        try {
            if (!hazelcast.getLifecycleService().isRunning() || mergeRunning || protection.hasMinimumSize()
                    || !hazelcast.getCluster().getMembers().iterator().next().localMember()) {
                small = false;
                return;
            }
            if (!small) {
                LOG.info("on the small side ({} members): looking for the rest of the cluster now, then every {} ms",
                        hazelcast.getCluster().getMembers().size(), REPEAT_MILLIS);
            }
            small = true;
            if (running.incrementAndGet() > CONCURRENT) {
                running.decrementAndGet();
                return;
            }
            threads.execute(() -> {
                try {
                    search();
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
     * that is not a member whether this side should merge into its cluster, and merge into the
     * first that says so), with three differences: it stops asking once anything has changed
     * since it began (a merge ran, the member list moved, the member's UUID changed, the state
     * froze); only the search that holds {@link #merging} merges; and a member alone on its side
     * merges at once, as Hazelcast's own merge does on each member of a side, where Hazelcast's
     * step would first freeze the side, which waits while partition migrations are pending (after
     * two members left one after the other, Hazelcast pauses migrations for 3 s). A side of
     * several still takes that step, which also tells the others.
     */
    private void search() throws ReflectiveOperationException {
        ClusterServiceImpl clusterService = node.getClusterService();
        List<Address> addresses = new ArrayList<>(call(possibleAddresses, Collection.class));
        addresses.remove(node.getThisAddress());
        addresses.removeAll(clusterService.getMemberAddresses());
        if (addresses.isEmpty()) {
            return;
        }
        SplitBrainJoinMessage question = node.createSplitBrainJoinMessage();
        for (Address address : addresses) {
            if (!unchangedSince(question)) {
                return;
            }
            if (call(ask, SplitBrainMergeCheckResult.class, address, question) != SplitBrainMergeCheckResult.LOCAL_NODE_SHOULD_MERGE) {
                continue;
            }
            if (!merging.tryLock()) {
                return;
            }
            try {
                if (!unchangedSince(question)) {
                    return;
                }
                if (clusterService.getSize() == 1) {
                    LOG.info("this member is merging into the cluster of {} (alone on its side)", address);
                    clusterService.merge(address);
                } else {
                    joiner.setTargetAddress(address);
                    call(mergeSmallSide, Object.class, address, question.getMemberListVersion());
                }
            } finally {
                merging.unlock();
            }
            return;
        }
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

    private <T> T call(Method method, Class<T> type, Object... arguments) throws ReflectiveOperationException {
        try {
            return type.cast(method.invoke(joiner, arguments));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** {@code name} as declared on {@code type} or the first of its superclasses that declares it, made callable. */
    private static Method declared(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method method = c.getDeclaredMethod(name, parameters);
                method.setAccessible(true);
                return method;
            } catch (NoSuchMethodException e) {
                // look further up
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }

    @Override
    public void close() {
        threads.shutdownNow();
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
