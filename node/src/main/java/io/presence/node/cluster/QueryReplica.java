package io.presence.node.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.QueryCacheConfig;
import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryEventType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EventLostEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.QueryCache;
import com.hazelcast.map.listener.EventLostListener;
import com.hazelcast.query.Predicates;
import io.presence.node.presence.SeenTwice;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * This member's replica of the online users' map, for queries: Hazelcast's continuous query cache
 * of the map's keys, fed by the partitions' own event streams, so that {@code getAll} is a local
 * lookup rather than a scan of every partition in the cluster.
 *
 * <p>Reconciliation compares it with the map; when both disagree about the same user twice in a
 * row, the replica is rebuilt: a new cache is opened beside the live one, swapped in, and only
 * then is the old one torn down, so queries never read a destroyed cache.
 */
final class QueryReplica {

    /** The name of the first cache; rebuilt ones add a generation number. */
    static final String NAME = "presence-online";
    /** Opening a query cache while membership changes fails; a few tries span a join or a merge. */
    static final int OPEN_ATTEMPTS = 20;
    static final long OPEN_RETRY_MILLIS = 500;

    private static final Logger LOG = Logger.getLogger(QueryReplica.class.getName());

    private final HazelcastInstance hazelcast;
    private final IMap<String, UserHolders> users;
    private final ClusterWorkers workers;
    private volatile QueryCache<String, UserHolders> cache;
    /** The cache's key set as of the last query; rebuilt only after the cache changed. */
    private volatile Set<String> snapshot = Set.of();
    private final AtomicBoolean snapshotStale = new AtomicBoolean(true);
    private final SeenTwice<String> disagreements = new SeenTwice<>();
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicBoolean rebuilding = new AtomicBoolean();

    /** Opens the replica; blocks while the cache fills from the map. */
    QueryReplica(HazelcastInstance hazelcast, IMap<String, UserHolders> users, ClusterWorkers workers) {
        this.hazelcast = hazelcast;
        this.users = users;
        this.workers = workers;
        this.cache = open(NAME, 1).toCompletableFuture().join();
    }

    /**
     * The query cache's settings, whatever the Hazelcast configuration file says: keys only, never
     * evicted (the default evicts beyond 10,000 entries, which would silently shorten getAll; a
     * query cache accepts no policy NONE, so the bound is set out of reach), and each event sent
     * at once (a delay would batch events for whole seconds).
     */
    static void configure(Config config, String name) {
        QueryCacheConfig cache = new QueryCacheConfig(name)
                .setIncludeValue(false)
                .setPopulate(true)
                .setDelaySeconds(0)
                .setBatchSize(1);
        cache.getEvictionConfig().setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT).setSize(Integer.MAX_VALUE);
        List<QueryCacheConfig> caches = config.getMapConfig(HazelcastPresenceCluster.USERS_MAP).getQueryCacheConfigs();
        caches.removeIf(c -> c.getName().equals(name));
        caches.add(cache);
    }

    /** Every username in the replica: an unmodifiable snapshot, rebuilt only when the cache changed. */
    Set<String> keys() {
        // cleared before the scan: a change during it marks the new snapshot stale again
        if (snapshotStale.getAndSet(false)) {
            snapshot = Collections.unmodifiableSet(new HashSet<>(cache.keySet()));
        }
        return snapshot;
    }

    boolean contains(String username) {
        return cache.containsKey(username);
    }

    /** Compares the replica with the map's key set; rebuilds it once the same disagreement is seen twice. */
    void check(Set<String> inMap) {
        QueryCache<String, UserHolders> checked = cache;
        Set<String> disagreeing = new HashSet<>();
        for (String name : checked.keySet()) {
            if (!inMap.contains(name)) {
                disagreeing.add(name);
            }
        }
        for (String name : inMap) {
            if (!checked.containsKey(name)) {
                disagreeing.add(name);
            }
        }
        if (!disagreements.confirm(disagreeing).isEmpty()) {
            LOG.warning("query cache out of step with the map; rebuilding it");
            // on a worker of its own: opening a cache can take as long as a merge, and the caller
            // (a reconciliation round) must not wait for it
            workers.schedule(0, this::rebuild);
        }
    }

    /** Opens a new cache from the map, swaps it in, then tears down the old one; one rebuild at a time. */
    CompletionStage<Void> rebuild() {
        if (!rebuilding.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        return open(NAME + "-" + generation.incrementAndGet(), 1).thenAccept(fresh -> {
            QueryCache<String, UserHolders> old = cache;
            cache = fresh;
            snapshotStale.set(true);
            disagreements.forget();
            try {
                old.destroy();
            } catch (RuntimeException e) {
                // it is unregistered locally before the members are told; nothing reads it any more
                LOG.warning("the old query cache was not torn down everywhere: " + e);
            }
        }).whenComplete((ok, failure) -> rebuilding.set(false));
    }

    /**
     * Creating a cache asks every member to publish to it, so a member joining or leaving meanwhile
     * fails it (a node starting with others at once can meet that); tries again a little later.
     * Hazelcast then also drops the cache's configuration and would make the next one with its
     * defaults (evicting beyond 10,000 users), so every attempt puts ours back first.
     */
    private CompletionStage<QueryCache<String, UserHolders>> open(String name, int attempt) {
        configure(hazelcast.getConfig(), name);
        try {
            QueryCache<String, UserHolders> opened = users.getQueryCache(name, Predicates.alwaysTrue(), false);
            opened.addEntryListener(new Listener(opened), false);
            return CompletableFuture.completedFuture(opened);
        } catch (RuntimeException e) {
            if (attempt == OPEN_ATTEMPTS || !hazelcast.getLifecycleService().isRunning()) {
                return CompletableFuture.failedFuture(e);
            }
            LOG.warning("could not open the query cache (attempt " + attempt + " of " + OPEN_ATTEMPTS
                    + "), trying again: " + e);
            CompletableFuture<QueryCache<String, UserHolders>> retried = new CompletableFuture<>();
            workers.schedule(OPEN_RETRY_MILLIS, () -> open(name, attempt + 1).whenComplete((c, f) -> {
                if (f != null) {
                    retried.completeExceptionally(f);
                } else {
                    retried.complete(c);
                }
            }));
            return retried;
        }
    }

    /**
     * Marks the snapshot stale when the cache's key set changes (local callbacks; an update changes
     * only a value, which queries do not read), and recovers the cache when a partition's event
     * stream had a gap (its owner died mid-publish).
     */
    private final class Listener extends EntryAdapter<String, UserHolders> implements EventLostListener {

        private final QueryCache<String, UserHolders> of;

        Listener(QueryCache<String, UserHolders> of) {
            this.of = of;
        }

        @Override
        public void onEntryEvent(EntryEvent<String, UserHolders> event) {
            if (event.getEventType() != EntryEventType.UPDATED && of == cache) {
                snapshotStale.set(true);
            }
        }

        @Override
        public void onMapEvent(MapEvent event) {
            if (of == cache) {
                snapshotStale.set(true);
            }
        }

        @Override
        public void eventLost(EventLostEvent event) {
            if (of != cache) {
                return; // already replaced
            }
            snapshotStale.set(true);
            LOG.info(() -> "query cache lost an event of partition " + event.getPartitionId() + "; recovering");
            if (!of.tryRecover()) {
                // opening a cache blocks: not on Hazelcast's event thread
                workers.schedule(0, QueryReplica.this::rebuild);
            }
        }
    }
}
