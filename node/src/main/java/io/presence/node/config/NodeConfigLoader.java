package io.presence.node.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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

    /** Every setting and its default ({@link ConfigDefaults}). */
    public static final Map<String, String> DEFAULTS = ConfigDefaults.all();

    /** Environment variable naming the properties file, when {@code --config} is not given. */
    public static final String CONFIG_FILE_ENV = "PRESENCE_CONFIG";

    private NodeConfigLoader() {
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
                new LastSeenRetention(r.longInteger("last.seen.retention.ms", 0, 10L * 365 * 24 * 3600 * 1000),
                        r.integer("last.seen.max.users", 1, Integer.MAX_VALUE)),
                r.integer("user.data.max.bytes", 0, 1024 * 1024),
                ClusterMode.parse(r.text("cluster.mode")).orElse(ClusterMode.EMBEDDED),
                r.optionalText("hazelcast.config"),
                r.optionalText("cluster.name"),
                r.optionalText("hazelcast.port").map(p -> r.integer("hazelcast.port", 1, 65535)),
                r.list("hazelcast.members"),
                auth(r),
                r.optionalText("permissions.file"),
                new Limits(
                        r.integer("max.connections", 1, Integer.MAX_VALUE),
                        r.integer("max.connections.per.address", 1, Integer.MAX_VALUE),
                        r.integer("max.pending.logins", 1, Integer.MAX_VALUE),
                        r.integer("max.messages.per.second", 1, Integer.MAX_VALUE),
                        r.integer("max.message.burst", 1, Integer.MAX_VALUE),
                        r.integer("max.subscriptions", 1, Integer.MAX_VALUE),
                        r.integer("max.node.subscriptions", 1, Integer.MAX_VALUE),
                        r.integer("max.request.names", 1, Integer.MAX_VALUE),
                        r.integer("api.max.commands", 1, 100_000),
                        r.integer("api.max.answer.bytes", 1024, 1024 * 1024 * 1024)),
                new TransportSecurity(r.optionalText("tls.certificate"), r.optionalText("tls.key"),
                        r.optionalText("tls.client.ca"), r.list("allowed.origins"), r.list("trusted.proxies")),
                new Operations(r.integer("drain.delay.ms", 0, 600_000), r.text("log.format").toLowerCase(java.util.Locale.ROOT),
                        r.text("log.level").toUpperCase(java.util.Locale.ROOT), r.optionalText("drain.token")),
                new Webhooks(r.list("webhook.urls"), r.optionalText("webhook.secret"), r.text("webhook.key.name"),
                        r.integer("webhook.batch.ms", 1, 60_000), r.integer("webhook.batch.max", 1, 10_000),
                        r.integer("webhook.timeout.ms", 1, 600_000), r.integer("webhook.retry.ms", 0, 86_400_000),
                        r.integer("webhook.max.queued", 1, 100_000_000), r.bool("webhook.include.data")));
        if (config.binaryPath().equals(config.jsonPath()) || config.binaryPath().equals(config.healthPath())
                || config.jsonPath().equals(config.healthPath())) {
            problems.add("binary.path, json.path and health.path must differ");
        }
        checkAuth(config.auth(), problems);
        if (config.webhooks().enabled() && config.webhooks().secret().isEmpty()) {
            problems.add("webhook.urls needs webhook.secret: receivers check each batch's signature");
        }
        for (String url : config.webhooks().urls()) {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                problems.add("webhook.urls: '" + url + "' is not an http:// or https:// URL");
            }
        }
        if (ClusterMode.parse(values.get("cluster.mode")).isEmpty()) {
            problems.add("cluster.mode must be embedded or client (got '" + values.get("cluster.mode") + "')");
        }
        if (!Operations.LOG_FORMATS.contains(config.operations().logFormat())) {
            problems.add("log.format must be one of " + Operations.LOG_FORMATS);
        }
        if (!Operations.LOG_LEVELS.contains(config.operations().logLevel())) {
            problems.add("log.level must be one of " + Operations.LOG_LEVELS);
        }
        checkFiles(config, problems);
        if (config.transportSecurity().certificate().isPresent() != config.transportSecurity().key().isPresent()) {
            problems.add("tls.certificate and tls.key go together");
        }
        if (config.transportSecurity().clientCa().isPresent() && !config.transportSecurity().tlsEnabled()) {
            problems.add("tls.client.ca needs tls.certificate and tls.key");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static AuthSettings auth(Values r) {
        return new AuthSettings(
                r.list("auth"),
                new AuthSettings.FileAuth(r.optionalText("auth.file.users"), r.text("auth.file.hash"),
                        r.integer("auth.file.iterations", 1, 10_000_000), r.integer("auth.file.key.length", 1, 1024),
                        r.integer("auth.file.max.queued", 1, 1_000_000)),
                new AuthSettings.HttpAuth(r.optionalText("auth.http.url"),
                        r.integers("auth.http.permitted.status"),
                        r.integer("auth.http.timeout.ms", 1, Integer.MAX_VALUE),
                        r.integers("auth.http.retry.status"),
                        r.integer("auth.http.retry.attempts", 0, 100),
                        r.integer("auth.http.retry.interval.ms", 0, Integer.MAX_VALUE),
                        r.list("auth.http.promote.to.header"),
                        r.integer("auth.http.max.pending", 1, Integer.MAX_VALUE)),
                new AuthSettings.JwtAuth(r.text("auth.jwt.algorithm"), r.optionalText("auth.jwt.secret"),
                        r.optionalText("auth.jwt.public.key"), r.text("auth.jwt.token.field"), r.text("auth.jwt.id.claim"),
                        r.optionalText("auth.jwt.server.data.claim"), r.optionalText("auth.jwt.client.data.claim"),
                        r.optionalText("auth.jwt.issuer"), r.optionalText("auth.jwt.audience")),
                new AuthSettings.Failures(r.integer("auth.max.failures.per.address", 1, Integer.MAX_VALUE),
                        r.integer("auth.max.failures.per.username", 1, Integer.MAX_VALUE),
                        r.integer("auth.failure.window.ms", 1000, Integer.MAX_VALUE)));
    }

    /** A strategy named must have what it needs; each problem is reported. */
    private static void checkAuth(AuthSettings auth, List<String> problems) {
        if (auth.strategies().isEmpty()) {
            problems.add("auth must name at least one strategy of " + AuthSettings.KNOWN);
        }
        for (String strategy : auth.strategies()) {
            if (!AuthSettings.KNOWN.contains(strategy)) {
                problems.add("auth: unknown strategy '" + strategy + "' (known: " + AuthSettings.KNOWN + ")");
            }
        }
        if (auth.strategies().contains("file") && auth.file().users().isEmpty()) {
            problems.add("auth file needs auth.file.users, the users file");
        }
        if (auth.strategies().contains("http")) {
            if (auth.http().url().isEmpty()) {
                problems.add("auth http needs auth.http.url");
            } else if (!auth.http().url().get().matches("https?://.+")) {
                problems.add("auth.http.url must be an http:// or https:// URL (got '" + auth.http().url().get() + "')");
            }
            if (auth.http().permittedStatus().isEmpty()) {
                problems.add("auth.http.permitted.status must list at least one status code");
            }
        }
        if (auth.strategies().contains("jwt")) {
            String algorithm = auth.jwt().algorithm();
            if (!List.of("HS256", "HS384", "HS512", "RS256", "ES256").contains(algorithm)) {
                problems.add("auth.jwt.algorithm must be HS256, HS384, HS512, RS256 or ES256 (got '" + algorithm + "')");
            } else if (algorithm.startsWith("HS") && auth.jwt().secret().isEmpty()) {
                problems.add("auth jwt with " + algorithm + " needs auth.jwt.secret");
            } else if (!algorithm.startsWith("HS") && auth.jwt().publicKey().isEmpty()) {
                problems.add("auth jwt with " + algorithm + " needs auth.jwt.public.key, a PEM file");
            }
        }
    }

    /** Files named in the configuration must be readable now, not at the first login. */
    private static void checkFiles(NodeConfig config, List<String> problems) {
        List<Optional<String>> files = new ArrayList<>(List.of(config.permissionsFile(),
                config.transportSecurity().certificate(), config.transportSecurity().key(),
                config.transportSecurity().clientCa()));
        if (config.auth().strategies().contains("file")) {
            files.add(config.auth().file().users());
        }
        if (config.auth().strategies().contains("jwt")) {
            files.add(config.auth().jwt().publicKey());
        }
        for (Optional<String> file : files) {
            file.filter(f -> !Files.isReadable(Path.of(f))).ifPresent(f -> problems.add("cannot read " + f));
        }
    }

    /**
     * The {@code PRESENCE_*} variables of {@code environment} that name no setting: a typo there
     * would otherwise be ignored in silence, where an unknown key in the file is an error.
     */
    public static List<String> unknownVariables(Map<String, String> environment) {
        java.util.Set<String> known = new java.util.HashSet<>();
        DEFAULTS.keySet().forEach(k -> known.add(envName(k)));
        known.add(CONFIG_FILE_ENV);
        return environment.keySet().stream().filter(n -> n.startsWith("PRESENCE_") && !known.contains(n)).sorted().toList();
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

        /** A comma-separated list; empty when not set. */
        List<String> list(String key) {
            return optionalText(key)
                    .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                    .orElse(List.of());
        }

        List<Integer> integers(String key) {
            List<Integer> numbers = new ArrayList<>();
            for (String v : list(key)) {
                try {
                    numbers.add(Integer.parseInt(v));
                } catch (NumberFormatException e) {
                    problems.add(key + " must list whole numbers (got '" + v + "')");
                }
            }
            return numbers;
        }

        String path(String key) {
            String v = text(key);
            if (!v.isEmpty() && !v.startsWith("/")) {
                problems.add(key + " must start with '/' (got '" + v + "')");
            }
            return v;
        }

        boolean bool(String key) {
            String v = values.get(key);
            if (!"true".equalsIgnoreCase(v) && !"false".equalsIgnoreCase(v)) {
                problems.add(key + " must be true or false (got '" + v + "')");
            }
            return "true".equalsIgnoreCase(v);
        }

        int integer(String key, int min, int max) {
            return (int) longInteger(key, min, max);
        }

        long longInteger(String key, long min, long max) {
            String v = values.get(key);
            try {
                long n = Long.parseLong(v);
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
