package io.presence.node.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds a {@link NodeConfig} from defaults, then a properties file, then environment variables
 * (each later source wins). A key such as {@code max.message.size} is read from the environment as
 * {@code PRESENCE_MAX_MESSAGE_SIZE}. All problems are collected and reported together.
 */
public final class NodeConfigLoader {

    /** The one place where defaults are written down. */
    public static final Map<String, String> DEFAULTS = defaults();

    /** Environment variable naming the properties file, when {@code --config} is not given. */
    public static final String CONFIG_FILE_ENV = "PRESENCE_CONFIG";

    private NodeConfigLoader() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("host", "127.0.0.1");
        d.put("port", "6020");
        d.put("binary.path", "/deepstream");
        d.put("json.path", "/deepstream-json");
        d.put("health.path", "/health-check");
        d.put("max.message.size", "1048576");
        d.put("max.send.backlog", "8388608");
        d.put("auth.timeout.ms", "180000");
        d.put("client.timeout.ms", "30000");
        d.put("logout.grace.ms", "0");
        d.put("reconcile.interval.ms", "30000");
        d.put("max.auth.attempts", "3");
        d.put("max.username.length", "128");
        d.put("transport.instances", String.valueOf(Runtime.getRuntime().availableProcessors()));
        d.put("min.cluster.size", "1");
        d.put("hazelcast.config", "");
        d.put("cluster.name", "");
        d.put("hazelcast.port", "");
        d.put("hazelcast.members", "");
        return Map.copyOf(d);
    }

    /** Reads the file named by {@code configFile} (if any) and the process environment. */
    public static NodeConfig load(Optional<Path> configFile, Map<String, String> environment) {
        Map<String, String> fromFile = new HashMap<>();
        Optional<Path> file = configFile.or(() -> Optional.ofNullable(environment.get(CONFIG_FILE_ENV))
                .filter(s -> !s.isBlank()).map(Path::of));
        if (file.isPresent()) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file.get())) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException(List.of("cannot read config file " + file.get() + ": " + e.getMessage()));
            }
            properties.stringPropertyNames().forEach(k -> fromFile.put(k, properties.getProperty(k).trim()));
        }
        return load(fromFile, environment);
    }

    /** A configuration from explicit settings (keys as in the file), for embedding and tests. */
    public static NodeConfig fromSettings(Map<String, String> settings) {
        return load(settings, Map.of());
    }

    static NodeConfig load(Map<String, String> fromFile, Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new HashMap<>(DEFAULTS);
        fromFile.forEach((key, value) -> {
            if (!DEFAULTS.containsKey(key)) {
                problems.add("unknown key '" + key + "' in config file");
            } else {
                values.put(key, value);
            }
        });
        for (String key : DEFAULTS.keySet()) {
            String value = environment.get(envName(key));
            if (value != null) {
                values.put(key, value.trim());
            }
        }
        Values r = new Values(values, problems);
        NodeConfig config = new NodeConfig(
                r.text("host"),
                r.integer("port", 0, 65535),
                r.path("binary.path"),
                r.path("json.path"),
                r.path("health.path"),
                r.integer("max.message.size", 64, 64 * 1024 * 1024),
                r.integer("max.send.backlog", 64 * 1024, 1024 * 1024 * 1024),
                r.integer("auth.timeout.ms", 100, Integer.MAX_VALUE),
                r.integer("client.timeout.ms", 300, Integer.MAX_VALUE),
                r.integer("logout.grace.ms", 0, Integer.MAX_VALUE),
                r.integer("reconcile.interval.ms", 100, Integer.MAX_VALUE),
                r.integer("max.auth.attempts", 1, 100),
                r.integer("max.username.length", 1, 65536),
                r.integer("transport.instances", 1, 256),
                r.integer("min.cluster.size", 1, 1000),
                r.optionalText("hazelcast.config"),
                r.optionalText("cluster.name"),
                r.optionalText("hazelcast.port").map(p -> r.integer("hazelcast.port", 1, 65535)),
                r.optionalText("hazelcast.members")
                        .map(m -> Arrays.stream(m.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                        .orElse(List.of()));
        if (config.binaryPath().equals(config.jsonPath()) || config.binaryPath().equals(config.healthPath())
                || config.jsonPath().equals(config.healthPath())) {
            problems.add("binary.path, json.path and health.path must differ");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** The environment variable that sets {@code key}. */
    public static String envName(String key) {
        return "PRESENCE_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Reads typed values, noting problems instead of stopping at the first. */
    private record Values(Map<String, String> values, List<String> problems) {

        String text(String key) {
            String v = values.get(key);
            if (v == null || v.isBlank()) {
                problems.add(key + " must not be empty");
                return "";
            }
            return v;
        }

        Optional<String> optionalText(String key) {
            return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
        }

        String path(String key) {
            String v = text(key);
            if (!v.isEmpty() && !v.startsWith("/")) {
                problems.add(key + " must start with '/' (got '" + v + "')");
            }
            return v;
        }

        int integer(String key, int min, int max) {
            String v = values.get(key);
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    problems.add(key + " must be between " + min + " and " + max + " (got " + n + ")");
                }
                return n;
            } catch (NumberFormatException e) {
                problems.add(key + " must be a whole number (got '" + v + "')");
                return min;
            }
        }
    }
}
