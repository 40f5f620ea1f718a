package io.presence.node.internal.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.presence.node.config.LastSeenRetention;
import io.presence.node.internal.presence.UserData;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User data in a map of its own, username to JSON text: written at each login that has any, and
 * never on the hot path of a login without. It shares last-seen's retention (the map's time to
 * live, counted from the latest login) and its bound per member (least recently used go first),
 * with a backup, so that a member's death loses none.
 *
 * <p>Not part of the holders' entry: holds go in batches with one processor for many users, and a
 * repair holds users again without their logins at hand.
 */
public final class HazelcastUserData implements UserData {

    public static final String MAP = "presence-user-data";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastUserData.class);
    private static final long WARN_EVERY_MILLIS = 60_000;

    private final IMap<String, String> data;
    private final ClusterWorkers workers;
    private final int maxBytes;
    private final AtomicLong warnedAt = new AtomicLong(-WARN_EVERY_MILLIS);

    /** @param maxBytes the largest data kept (UTF-8 bytes); larger is not kept */
    HazelcastUserData(HazelcastInstance hazelcast, ClusterWorkers workers, int maxBytes) {
        this.data = hazelcast.getMap(MAP);
        this.workers = workers;
        this.maxBytes = maxBytes;
    }

    /** Adds the map's settings (last seen's retention and bound) to a member's configuration. */
    static void configure(Config config, LastSeenRetention retention) {
        HazelcastLastSeen.configureRemembered(config, MAP, retention);
    }

    @Override
    public void remember(String username, String json) {
        // a char is at most 3 UTF-8 bytes: most data is measured without encoding it
        if (json.length() > maxBytes / 3 && json.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            long now = System.currentTimeMillis();
            long last = warnedAt.get();
            if (now - last >= WARN_EVERY_MILLIS && warnedAt.compareAndSet(last, now)) {
                LOG.warn("user data of '{}' is not kept: {} characters, over user.data.max.bytes ({}); "
                        + "further ones are not logged for a minute", username, json.length(), maxBytes);
            }
            return;
        }
        data.setAsync(username, json);
    }

    @Override
    public CompletionStage<Map<String, String>> of(Collection<String> usernames) {
        if (usernames.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        if (usernames.size() == 1) {
            String name = usernames.iterator().next();
            return data.getAsync(name).thenApply(json -> json == null ? Map.<String, String>of() : Map.of(name, json));
        }
        return workers.supply(() -> data.getAll(new HashSet<>(usernames)));
    }
}
