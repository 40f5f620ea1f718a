package io.presence.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The generator's command line, {@code --key value} pairs, read with defaults; refuses targets off loopback. */
final class Options {

    private final Map<String, String> values;
    private final List<URI> nodes = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    Options(Map<String, String> values) {
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

    static Options parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return new Options(values);
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
        return values.getOrDefault(key, fallback);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }
}
