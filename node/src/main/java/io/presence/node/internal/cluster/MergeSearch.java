package io.presence.node.internal.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.cluster.Joiner;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Only the small side's master searches, as Hazelcast's own search does. Reaches into
 * Hazelcast's internal joiner; if that is not there (another Hazelcast version) it does nothing,
 * and says so once: the periodic search remains.
 */
final class MergeSearch implements AutoCloseable {

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
    private final Joiner joiner;
    private final SplitBrainProtection protection;
    private final AtomicInteger running = new AtomicInteger();
    /** Threads of their own: a search blocks for seconds on addresses that do not answer. */
    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(CONCURRENT + 1, runnable -> {
        Thread t = new Thread(runnable, "presence-merge-search");
        t.setDaemon(true);
        return t;
    });
    private UUID registration;
    /** Whether the last check found this member on the small side: the first search of a stretch is logged at INFO. */
    private volatile boolean small;

    private MergeSearch(HazelcastInstance hazelcast, Joiner joiner) {
        this.hazelcast = hazelcast;
        this.joiner = joiner;
        this.protection = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(RecentMajority.NAME);
    }

    /** Starts watching {@code member}'s membership; returns what stops it (nothing when the joiner cannot be reached). */
    static AutoCloseable watch(HazelcastInstance member) {
        MergeSearch search;
        try {
            Joiner joiner = MemberInternals.node(member).getJoiner();
            if (joiner == null) {
                throw new IllegalStateException("no joiner");
            }
            search = new MergeSearch(member, joiner);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("cannot search for the rest of the cluster when on the small side ({}); Hazelcast's periodic "
                    + "search remains", e.toString());
            return () -> { };
        }
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
            if (!hazelcast.getLifecycleService().isRunning() || protection.hasMinimumSize()
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
                    joiner.searchForOtherClusters();
                } catch (RuntimeException e) {
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

    @Override
    public void close() {
        threads.shutdownNow();
        if (registration != null && hazelcast.getLifecycleService().isRunning()) {
            hazelcast.getCluster().removeMembershipListener(registration);
        }
    }
}
