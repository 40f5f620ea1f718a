package io.presence.node.measure;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.presence.node.internal.cluster.ClusterAdapter;
import io.presence.node.internal.cluster.HazelcastLastSeen;
import io.presence.node.internal.cluster.HazelcastMember;
import io.presence.node.internal.cluster.HazelcastUserData;
import io.presence.node.config.NodeConfig;
import io.presence.node.config.NodeConfigLoader;
import io.presence.node.internal.presence.PresenceChange;
import io.presence.node.internal.presence.PresenceService;
import io.presence.node.support.NoPresence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Heap per online user, for docs/scaling.md: {@code map N} holds N users through the hot path of
 * two Hazelcast members in this JVM (the map's primary and backup); {@code view N} applies N
 * logins to one node's presence service (the view every node keeps); {@code lastseen N} remembers N
 * last-seen times in the map of two members (primary and backup); {@code userdata N} keeps N users'
 * data of {@value #DATA_CHARACTERS} characters the same way. Full collections before and
 * after; run with the serial collector:
 * {@code java -XX:+UseSerialGC -Xmx3g <Hazelcast's --add-opens> -cp node/target/test-classes:node/target/classes:node/target/lib/* io.presence.node.measure.PresenceMemory map 200000}
 */
public final class PresenceMemory {

    /** User data as a users file might give it: a display name and a team. */
    static final int DATA_CHARACTERS = 40;

    /** What is measured stays reachable until the second reading. */
    private static Object kept;

    private PresenceMemory() {
    }

    public static void main(String[] args) {
        int users = Integer.parseInt(args[1]);
        // what it takes to start is not per user: measured from after the start
        Runnable fill = switch (args[0]) {
            case "map" -> map(users);
            case "lastseen" -> lastSeen(users);
            case "userdata" -> userData(users);
            default -> view(users);
        };
        long before = usedAfterCollection();
        fill.run();
        long after = usedAfterCollection();
        System.out.printf("%s: %d users, %d MB, %d bytes per user%n", args[0], users, (after - before) >> 20, (after - before) / users);
        System.out.println(kept.getClass().getSimpleName() + " kept to the end");
        System.exit(0);
    }

    private static List<String> names(int from, int to) {
        List<String> names = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            names.add(String.format("user-%08d", i));
        }
        return names;
    }

    private static Runnable map(int users) {
        NodeConfig config = NodeConfigLoader.fromSettings(Map.of("cluster.name", "memory-" + UUID.randomUUID(),
                "hazelcast.port", "5991"));
        HazelcastInstance primary = HazelcastMember.start(config);
        HazelcastMember.start(config);
        ClusterAdapter adapter = new ClusterAdapter(primary);
        adapter.presence().onChange(changes -> { });
        kept = adapter;
        return () -> {
            for (int i = 0; i < users; i += 1000) {
                adapter.presence().hold(names(i, Math.min(users, i + 1000))).toCompletableFuture().join();
            }
        };
    }

    private static Runnable lastSeen(int users) {
        NodeConfig config = NodeConfigLoader.fromSettings(Map.of("cluster.name", "memory-" + UUID.randomUUID(),
                "hazelcast.port", "5991"));
        HazelcastInstance primary = HazelcastMember.start(config);
        HazelcastMember.start(config);
        IMap<String, Long> times = primary.getMap(HazelcastLastSeen.MAP);
        kept = times;
        return () -> {
            for (int i = 0; i < users; i += 1000) {
                Map<String, Long> batch = new HashMap<>();
                for (String name : names(i, Math.min(users, i + 1000))) {
                    batch.put(name, System.currentTimeMillis());
                }
                times.setAll(batch);
            }
        };
    }

    private static Runnable userData(int users) {
        NodeConfig config = NodeConfigLoader.fromSettings(Map.of("cluster.name", "memory-" + UUID.randomUUID(),
                "hazelcast.port", "5991"));
        HazelcastInstance primary = HazelcastMember.start(config);
        HazelcastMember.start(config);
        IMap<String, String> data = primary.getMap(HazelcastUserData.MAP);
        kept = data;
        return () -> {
            for (int i = 0; i < users; i += 1000) {
                Map<String, String> batch = new HashMap<>();
                for (String name : names(i, Math.min(users, i + 1000))) {
                    // distinct values, as each user's own would be
                    String json = "{\"name\":\"" + name + "\",\"team\":\"blue\"}";
                    batch.put(name, json + " ".repeat(Math.max(0, DATA_CHARACTERS - json.length())));
                }
                data.setAll(batch);
            }
        };
    }

    private static Runnable view(int users) {
        NoPresence cluster = new NoPresence();
        PresenceService presence = cluster.presenceService();
        kept = presence;
        return () -> {
            for (int i = 0; i < users; i += 1000) {
                List<PresenceChange> batch = new ArrayList<>();
                for (String name : names(i, Math.min(users, i + 1000))) {
                    batch.add(new PresenceChange(name, true, 1_000_000L + batch.size(), 0));
                }
                cluster.publish(batch);
            }
            presence.online().names(); // the snapshot queries answer from
        };
    }

    private static long usedAfterCollection() {
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
