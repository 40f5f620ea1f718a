package io.presence.node.internal.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.presence.node.internal.cluster.state.Change;
import io.presence.node.config.LastSeenRetention;
import io.presence.node.internal.presence.LastSeen;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Last logout times in a map of their own, username to epoch milliseconds: written where a
 * logout is decided ({@link ChangeTopic#publish}), kept for the retention (the map's time to
 * live) and for at most so many users per member (least recently used go first), with a backup
 * like every other map, so a member's death loses none.
 */
public final class HazelcastLastSeen implements LastSeen {

    public static final String MAP = "presence-last-seen";

    private final IMap<String, Long> times;
    private final ClusterWorkers workers;

    HazelcastLastSeen(HazelcastInstance hazelcast, ClusterWorkers workers) {
        this.times = hazelcast.getMap(MAP);
        this.workers = workers;
    }

    /** Adds the map's settings to a member's configuration, unless its Hazelcast file has its own. */
    static void configure(Config config, LastSeenRetention retention) {
        configureRemembered(config, MAP, retention);
    }

    /**
     * Settings of a map of what the cluster remembers of users for the retention ({@code name}'s
     * entries live that long, at most so many per member, one backup), unless the member's
     * Hazelcast file has its own; last-seen times and user data share them.
     */
    static void configureRemembered(Config config, String name, LastSeenRetention retention) {
        if (!retention.enabled() || config.getMapConfigOrNull(name) != null) {
            return;
        }
        MapConfig map = new MapConfig(name)
                .setTimeToLiveSeconds((int) Math.min(Integer.MAX_VALUE, Math.max(1, retention.retentionMillis() / 1000)))
                .setInMemoryFormat(InMemoryFormat.BINARY)
                .setBackupCount(1)
                .setStatisticsEnabled(false);
        map.getEvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                .setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(retention.maxUsers());
        config.addMapConfig(map);
    }

    /**
     * Records the logouts among {@code changes} at the time their versions say (the cluster's
     * clock when the owner decided, not the clock of the node that asked); nothing to wait for.
     */
    static void record(IMap<String, Long> times, List<Change> changes) {
        Map<String, Long> logouts = new HashMap<>();
        for (Change change : changes) {
            if (!change.online()) {
                logouts.put(change.username(), change.version() / 1000);
            }
        }
        if (!logouts.isEmpty()) {
            times.setAllAsync(logouts);
        }
    }

    @Override
    public CompletionStage<Map<String, Long>> of(Collection<String> usernames) {
        if (usernames.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        if (usernames.size() == 1) {
            String name = usernames.iterator().next();
            return times.getAsync(name).thenApply(at -> at == null ? Map.<String, Long>of() : Map.of(name, at));
        }
        return workers.supply(() -> times.getAll(new HashSet<>(usernames)));
    }
}
