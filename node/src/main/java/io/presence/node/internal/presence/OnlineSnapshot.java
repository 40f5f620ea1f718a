package io.presence.node.internal.presence;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The users online at one moment, immutable: what getAll() answers. Its {@code id} tells
 * snapshots apart, in the whole process (several nodes may share one, in tests), so that what is
 * derived from one (an encoded answer) can be kept until the set changes.
 */
public final class OnlineSnapshot {

    private static final AtomicLong IDS = new AtomicLong();
    static final OnlineSnapshot EMPTY = new OnlineSnapshot(-1, List.of());

    private final long id = IDS.incrementAndGet();
    /** The view's count of changes to the online set when this was taken: current while they match. */
    private final long viewVersion;
    private final List<String> names;
    private volatile Map<String, Integer> positions;
    private volatile List<String> sorted;

    OnlineSnapshot(long viewVersion, List<String> names) {
        this.viewVersion = viewVersion;
        this.names = List.copyOf(names);
    }

    /** Unique to this snapshot among all snapshots of this process. */
    public long id() {
        return id;
    }

    long viewVersion() {
        return viewVersion;
    }

    /** Every username online, in no particular order. */
    public List<String> names() {
        return names;
    }

    /**
     * The names in their natural order, for answers given a page at a time: a stable order, so
     * that a name online throughout is on exactly one page. Sorted once per snapshot, when first asked.
     */
    public List<String> sortedNames() {
        List<String> order = sorted;
        if (order == null) {
            String[] array = names.toArray(String[]::new);
            Arrays.sort(array);
            order = Collections.unmodifiableList(Arrays.asList(array));
            sorted = order;
        }
        return order;
    }

    /** Where {@code username} stands in {@link #names()}, or -1 when it is not online. */
    public int positionOf(String username) {
        if (username == null) {
            return -1;
        }
        Map<String, Integer> index = positions;
        if (index == null) {
            index = new HashMap<>(names.size() * 2);
            for (int i = 0; i < names.size(); i++) {
                index.put(names.get(i), i);
            }
            positions = index;
        }
        return index.getOrDefault(username, -1);
    }
}
