package io.presence.node.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.QueryCacheConfig;
import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryEventType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.EventLostEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.QueryCache;
import com.hazelcast.map.listener.EventLostListener;
import com.hazelcast.query.Predicates;
import com.hazelcast.topic.ITopic;
import io.presence.node.presence.PresenceChange;
import io.presence.node.presence.PresenceCluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Presence state on Hazelcast: an IMap from online username to the members holding it, and a
 * topic on which the member that caused a transition publishes it. A transition is decided by an
 * entry processor on the user's partition, never by reading and then writing.
 *
 * <p>When a member leaves the cluster, the oldest survivor releases the departed member's hold on
 * all entries, and the others reconcile (which drops departed holders) a second later; the
 * release is idempotent, so each entry is deleted (and its logout published) exactly once.
 *
 * <p>Queries read the map through a continuous query cache: Hazelcast keeps a replica of the map's
 * key set on every member, fed by the partitions' own event streams, so {@code getAll} costs a
 * local lookup instead of a scan of every partition in the cluster. Reconciliation still reads
 * the map itself, and replaces the replica if the two disagree.
 */
public final class HazelcastPresenceCluster implements PresenceCluster, AutoCloseable {

    public static final String USERS_MAP = "presence-users";
    public static final String CHANGES_TOPIC = "presence-changes";
    /** The continuous query cache of {@link #USERS_MAP}'s keys that answers queries. */
    public static final String ONLINE_CACHE = "presence-online";

    /** How long members other than the oldest wait before reconciling after a member left. */
    static final long FOLLOWER_RECONCILE_DELAY_MILLIS = 1_000;
    /** Opening the query cache while membership changes fails; a few tries span a join or a merge. */
    private static final int OPEN_CACHE_ATTEMPTS = 20;
    private static final long OPEN_CACHE_RETRY_PAUSE_MILLIS = 500;

    private static final Logger LOG = Logger.getLogger(HazelcastPresenceCluster.class.getName());

    private final HazelcastInstance hazelcast;
    private final IMap<String, UserHolders> users;
    /** Carries {@link ChangeBatch}es; a lone {@link ChangeMessage} is accepted too. */
    private final ITopic<Object> changes;
    private volatile QueryCache<String, UserHolders> online;
    /** The query cache's key set as of the last query; rebuilt only after the cache changed. */
    private volatile Set<String> onlineSnapshot = Set.of();
    private final AtomicBoolean snapshotStale = new AtomicBoolean(true);
    /** Usernames on which the query cache and the map disagreed at the last check. */
    private volatile Set<String> replicaSuspects = Set.of();
    /** Runs the blocking calls (key set, whole-map releases) off Hazelcast's and Vert.x's threads. */
    private final ExecutorService blockingCalls;
    private volatile Runnable topologyListener = () -> { };
    private UUID topicRegistration;
    private UUID membershipRegistration;
    private UUID lifecycleRegistration;

    public HazelcastPresenceCluster(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.users = hazelcast.getMap(USERS_MAP);
        this.changes = hazelcast.getTopic(CHANGES_TOPIC);
        this.blockingCalls = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "presence-cluster-calls");
            thread.setDaemon(true);
            return thread;
        });
        this.online = openOnlineCache();
        watchMembers();
    }

    /**
     * The query cache's settings, whatever the Hazelcast configuration file says: keys only, never
     * evicted (the default evicts beyond 10,000 entries, which would silently shorten getAll; a
     * query cache accepts no policy NONE, so the bound is set out of reach), and each event sent
     * at once (a delay would batch events for whole seconds).
     */
    public static void configure(Config config) {
        QueryCacheConfig cache = new QueryCacheConfig(ONLINE_CACHE)
                .setIncludeValue(false)
                .setPopulate(true)
                .setDelaySeconds(0)
                .setBatchSize(1);
        cache.getEvictionConfig().setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT).setSize(Integer.MAX_VALUE);
        List<QueryCacheConfig> caches = config.getMapConfig(USERS_MAP).getQueryCacheConfigs();
        caches.removeIf(c -> c.getName().equals(ONLINE_CACHE));
        caches.add(cache);
    }

    /**
     * Creating the cache asks every member to publish to it, so a member joining or leaving
     * meanwhile fails it (a node starting with others at once can meet that). Hazelcast then drops
     * the cache's configuration and would make the next one with defaults (evicting beyond 10,000
     * users), so every attempt puts ours back first.
     */
    private QueryCache<String, UserHolders> openOnlineCache() {
        for (int attempt = 1; ; attempt++) {
            configure(hazelcast.getConfig());
            try {
                QueryCache<String, UserHolders> cache = users.getQueryCache(ONLINE_CACHE, Predicates.alwaysTrue(), false);
                cache.addEntryListener(new OnlineCacheListener(cache), false);
                snapshotStale.set(true);
                return cache;
            } catch (RuntimeException e) {
                if (attempt == OPEN_CACHE_ATTEMPTS || !hazelcast.getLifecycleService().isRunning()) {
                    throw e;
                }
                LOG.warning("could not open the query cache (attempt " + attempt + " of " + OPEN_CACHE_ATTEMPTS
                        + "), trying again: " + e);
                pauseBeforeRetry();
            }
        }
    }

    private static void pauseBeforeRetry() {
        try {
            TimeUnit.MILLISECONDS.sleep(OPEN_CACHE_RETRY_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the query cache", e);
        }
    }

    /**
     * Marks the query snapshot stale when the query cache's key set changes (local callbacks; an
     * update changes only a value, which queries do not read), and resynchronises the cache when a
     * partition's event stream had a gap (its owner died mid-publish).
     */
    private final class OnlineCacheListener extends EntryAdapter<String, UserHolders> implements EventLostListener {

        private final QueryCache<String, UserHolders> cache;

        OnlineCacheListener(QueryCache<String, UserHolders> cache) {
            this.cache = cache;
        }

        @Override
        public void onEntryEvent(EntryEvent<String, UserHolders> event) {
            if (event.getEventType() != EntryEventType.UPDATED) {
                snapshotStale.set(true);
            }
        }

        @Override
        public void onMapEvent(MapEvent event) {
            snapshotStale.set(true);
        }

        @Override
        public void eventLost(EventLostEvent event) {
            snapshotStale.set(true);
            LOG.info(() -> "query cache lost an event of partition " + event.getPartitionId() + "; recovering");
            if (!cache.tryRecover()) {
                // opening a cache blocks (and may be retried): not on Hazelcast's event thread
                try {
                    blockingCalls.execute(() -> replaceOnlineCache(cache));
                } catch (RejectedExecutionException closed) {
                    // this adapter is closing: nothing left to answer queries for
                }
            }
        }
    }

    /** Whether this member runs and sees at least {@code members} members, itself included. */
    public boolean seesAtLeast(int members) {
        return hazelcast.getLifecycleService().isRunning() && hazelcast.getCluster().getMembers().size() >= members;
    }

    /** Rebuilds the replica from the map now, as a disagreement with the map would. */
    void rebuildOnlineCache() {
        replaceOnlineCache(online);
    }

    /** Rebuilds the replica from the map, once per stale instance however many callers notice. */
    private synchronized void replaceOnlineCache(QueryCache<String, UserHolders> stale) {
        if (online != stale) {
            return;
        }
        LOG.warning("query cache out of step with the map; rebuilding it");
        try {
            stale.destroy();
        } catch (RuntimeException e) {
            // it is unregistered locally before the members are told, so a new one can still open
            LOG.warning("the old query cache was not torn down everywhere: " + e);
        }
        online = openOnlineCache();
    }

    @Override
    public void onChange(Consumer<List<PresenceChange>> listener) {
        topicRegistration = changes.addMessageListener(message -> {
            Object published = message.getMessageObject();
            if (published instanceof ChangeBatch batch) {
                listener.accept(batch.toChanges());
            } else if (published instanceof ChangeMessage change) {
                listener.accept(List.of(change.toChange()));
            }
        });
    }

    /**
     * Member loss and rejoin handling, from construction on: releasing a departed member's users
     * must not depend on anyone having subscribed to changes.
     */
    private void watchMembers() {
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // a member that merged back may bring stale entries: reconcile now, not at the next tick
                topologyListener.run();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                UUID gone = event.getMember().getUuid();
                if (hazelcast.getCluster().getMembers().iterator().next().localMember()) {
                    // the oldest survivor logs the departed member's users out at once; the
                    // reconciliation (three map scans) only after, so that it does not compete for
                    // CPU with the part subscribers are waiting for
                    blockingCalls.execute(() -> {
                        releaseEverythingHeldBy(gone);
                        topologyListener.run();
                    });
                } else {
                    // the others would only repeat that work on the same cores; their
                    // reconciliation, a little later, drops departed holders all the same, which
                    // covers an oldest member that died too
                    CompletableFuture.delayedExecutor(FOLLOWER_RECONCILE_DELAY_MILLIS, TimeUnit.MILLISECONDS, blockingCalls)
                            .execute(() -> topologyListener.run());
                }
            }
        });
        lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                // this member rejoined under a new UUID: its sessions must be claimed again now
                topologyListener.run();
            }
        });
    }

    @Override
    public void onTopologyChange(Runnable listener) {
        topologyListener = listener;
    }

    @Override
    public CompletionStage<Void> claim(Collection<String> usernames) {
        return submit(usernames, HoldProcessor.hold(localMember(), nowMicros()));
    }

    @Override
    public CompletionStage<Void> release(Collection<String> usernames) {
        return submit(usernames, HoldProcessor.release(localMember(), nowMicros()));
    }

    /** One entry processor call for the lot (one operation per partition), then one publish. */
    private CompletionStage<Void> submit(Collection<String> usernames, HoldProcessor processor) {
        if (usernames.size() == 1) {
            String name = usernames.iterator().next();
            return users.submitToKey(name, processor)
                    .thenCompose(change -> change == null ? CompletableFuture.completedFuture(null) : changes.publishAsync(change));
        }
        return users.submitToKeys(new HashSet<>(usernames), processor).thenCompose(results -> {
            List<ChangeMessage> caused = new ArrayList<>();
            results.values().forEach(c -> {
                if (c != null) {
                    caused.add(c);
                }
            });
            return caused.isEmpty() ? CompletableFuture.completedFuture(null) : changes.publishAsync(new ChangeBatch(caused));
        });
    }

    @Override
    public Set<String> onlineUsers() {
        // cleared before the scan: a change during it marks the new snapshot stale again
        if (snapshotStale.getAndSet(false)) {
            onlineSnapshot = Collections.unmodifiableSet(new HashSet<>(online.keySet()));
        }
        return onlineSnapshot;
    }

    @Override
    public boolean isOnline(String username) {
        return online.containsKey(username);
    }

    @Override
    public CompletionStage<Set<String>> checkedOnlineUsers() {
        return CompletableFuture.supplyAsync(() -> {
            QueryCache<String, UserHolders> replica = online;
            // a copy: the map's key set answers contains() by iterating
            Set<String> inMap = new HashSet<>(users.keySet());
            checkReplica(replica, inMap);
            return inMap;
        }, blockingCalls);
    }

    /**
     * Replaces the query cache if it disagrees with the map about the same username twice in a
     * row: one sighting may be an event still on its way, two (a reconciliation apart) are not.
     */
    private void checkReplica(QueryCache<String, UserHolders> replica, Set<String> inMap) {
        Set<String> disagreeing = new HashSet<>();
        for (String name : replica.keySet()) {
            if (!inMap.contains(name)) {
                disagreeing.add(name);
            }
        }
        for (String name : inMap) {
            if (!replica.containsKey(name)) {
                disagreeing.add(name);
            }
        }
        Set<String> seenBefore = replicaSuspects;
        replicaSuspects = disagreeing;
        if (disagreeing.stream().anyMatch(seenBefore::contains)) {
            replicaSuspects = Set.of();
            replaceOnlineCache(replica);
        }
    }

    @Override
    public CompletionStage<Set<String>> heldHere() {
        UUID me = localMember();
        return CompletableFuture.supplyAsync(() -> new HashSet<>(users.keySet(new HeldByPredicate(me))), blockingCalls);
    }

    @Override
    public CompletionStage<Void> dropDepartedHolders() {
        Set<Member> members = hazelcast.getCluster().getMembers();
        // every node runs this (idempotent: the first to delete an entry publishes its logout), so
        // that a node that has just merged back cleans up before it claims its sessions again
        Set<UUID> live = new HashSet<>();
        members.forEach(m -> live.add(m.getUuid()));
        return CompletableFuture.runAsync(() -> publishAll(users.executeOnEntries(new DropDepartedProcessor(live, nowMicros())),
                "members that left"), blockingCalls);
    }

    private int publishAll(Map<String, ChangeMessage> results, String cause) {
        List<ChangeMessage> caused = new ArrayList<>();
        results.values().forEach(c -> {
            if (c != null) {
                caused.add(c);
            }
        });
        // in slices, so that no topic message grows without bound
        for (int from = 0; from < caused.size(); from += 10_000) {
            changes.publish(new ChangeBatch(new ArrayList<>(caused.subList(from, Math.min(caused.size(), from + 10_000)))));
        }
        if (!caused.isEmpty()) {
            LOG.info(() -> "released " + caused.size() + " users held by " + cause);
        }
        return caused.size();
    }

    /** Removes a departed member from every entry and publishes the logouts that causes. */
    private void releaseEverythingHeldBy(UUID member) {
        try {
            publishAll(users.executeOnEntries(HoldProcessor.release(member, nowMicros())), "departed member " + member);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not release the users of departed member " + member, e);
        }
    }

    private UUID localMember() {
        // looked up each time: the local UUID changes when a split-brain merge restarts the member
        return hazelcast.getCluster().getLocalMember().getUuid();
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void close() {
        if (hazelcast.getLifecycleService().isRunning()) {
            if (topicRegistration != null) {
                changes.removeMessageListener(topicRegistration);
            }
            hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
        }
        blockingCalls.shutdown();
        try {
            blockingCalls.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
