package io.presence.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** The node settings benchmarks run with (cluster-config/bench.properties), for the smoke tests' nodes. */
final class BenchSettings {

    private BenchSettings() {
    }

    static Map<String, String> node() {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("..", "cluster-config", "bench.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read cluster-config/bench.properties", e);
        }
        Map<String, String> settings = new HashMap<>();
        properties.forEach((k, v) -> settings.put(k.toString(), v.toString()));
        return settings;
    }
}
