package io.presence.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator's command line, {@code --key value} pairs, read with defaults. Refuses a key it does
 * not know and targets off loopback; {@link #KNOWN} is the usage, and a scenario that reads a key
 * not listed there fails, so the usage cannot fall behind the code.
 */
final class Options {

    /** Every option, with what it means; in the order the usage prints them. */
    static final Map<String, String> KNOWN = known(
            "scenario", "burst, steady, query, capacity, churn, kill, logins, storm, remote-changes or fanout (burst)",
            "nodes", "the servers' WebSocket endpoints, comma-separated, loopback only (ws://127.0.0.1:6020/deepstream)",
            "pids", "the servers' process ids in the order of --nodes, for CPU and memory from /proc",
            "users", "how many users (2000)",
            "rate", "logins, transitions or changes a second (steady, churn, remote-changes, fanout: 100)",
            "duration", "seconds of load (query, churn, remote-changes)",
            "subscribers", "connections subscribed to everyone (fanout: 1000)",
            "login-node", "index in --nodes where users log in (0)",
            "subscriber-node", "index in --nodes of the subscriber to everyone (0)",
            "queriers", "clients querying at once (query: 50)",
            "query-names", "names per getAll(names) (query: 100)",
            "in-flight", "logins at a time (logins)",
            "queries", "getAll() asked after the logins (logins)",
            "small-queries", "getAll(names) asked after the logins (logins)",
            "small-query-names", "names per such query (logins: 10)",
            "share", "this process's share of a logins run, i/n (0/1)",
            "run-id", "names this run's users; processes sharing a run give the same one",
            "start-at", "wall-clock millisecond at which processes sharing a run start",
            "done-file", "file the processes of a shared run mark when they are done",
            "hold", "seconds the capacity scenario keeps its connections open afterwards",
            "batch", "changes per topic message (remote-changes: 32)",
            "cluster-name", "the Hazelcast cluster to publish on (remote-changes: presence-local)",
            "hazelcast", "a member's host:port (remote-changes: 127.0.0.1:5701)",
            "json", "also write the results to this file",
            "timeout", "seconds before the run gives up (300)");

    private final Map<String, String> values;
    private final List<URI> nodes = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    Options(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (!KNOWN.containsKey(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
        }
        this.values = new LinkedHashMap<>(values);
        for (String url : text("nodes", "ws://127.0.0.1:6020/deepstream").split(",")) {
            URI uri = URI.create(url.trim());
            if (!uri.getHost().startsWith("127.") && !uri.getHost().equals("localhost")) {
                throw new IllegalArgumentException("loopback targets only: " + url);
            }
            nodes.add(uri);
        }
        if (!text("pids", "").isBlank()) {
            for (String pid : values.get("pids").split(",")) {
                pids.add(Long.parseLong(pid.trim()));
            }
        }
    }

    /** Whether the command line asks for the usage. */
    static boolean wantsHelp(String[] args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    static Options parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got '" + args[i] + "'");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
        return new Options(values);
    }

    static String usage() {
        StringBuilder out = new StringBuilder("usage: LoadGenerator --scenario NAME [--option value ...]\n");
        KNOWN.forEach((key, meaning) -> out.append(String.format("  --%-18s %s%n", key, meaning)));
        return out.toString();
    }

    private static Map<String, String> known(String... pairs) {
        Map<String, String> known = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            known.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(known);
    }

    /** The servers' endpoints, in the order given. */
    List<URI> nodes() {
        return nodes;
    }

    /** The servers' process ids, in the order of {@link #nodes()}; may be empty. */
    List<Long> pids() {
        return pids;
    }

    int integer(String key, int fallback) {
        return Integer.parseInt(text(key, String.valueOf(fallback)));
    }

    String text(String key, String fallback) {
        return values.getOrDefault(listed(key), fallback);
    }

    boolean has(String key) {
        return values.containsKey(listed(key));
    }

    private static String listed(String key) {
        if (!KNOWN.containsKey(key)) {
            throw new IllegalStateException("--" + key + " is read but not in Options.KNOWN: add it to the usage");
        }
        return key;
    }
}
