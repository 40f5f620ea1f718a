package io.presence.bench;

import io.presence.protocol.JsonText;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Drives any server that speaks deepstream's binary protocol and measures presence:
 *
 * <pre>
 *   LoadGenerator --nodes ws://127.0.0.1:6020/deepstream[,ws://...] --scenario NAME
 *                 [--users 2000] [--rate 2000] [--duration 10] [--login-node 0] [--subscriber-node 0]
 *                 [--queriers 50] [--query-names 100] [--pids 123,456] [--json out.json] [--timeout 300]
 * </pre>
 *
 * The scenarios are in {@link #SCENARIOS}; each class says what it does. Every loop is bounded by
 * count and by --timeout; only loopback addresses are accepted.
 */
public final class LoadGenerator {

    static final Map<String, Supplier<Scenario>> SCENARIOS = Map.of(
            "burst", BurstScenario::new,
            "steady", SteadyScenario::new,
            "query", QueryScenario::new,
            "capacity", CapacityScenario::new,
            "churn", ChurnScenario::new,
            "kill", KillScenario::new,
            "logins", LoginsScenario::new,
            "storm", StormScenario::new,
            "remote-changes", RemoteChangesScenario::new);

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Report report = run(options);
        System.out.println(report.table());
        if (options.has("json")) {
            Files.writeString(Path.of(options.text("json", "")), JsonText.write(report.results()) + "\n");
        }
    }

    /** Runs the scenario named in the options; returns the measurements. */
    public static Map<String, Object> run(Map<String, String> options) throws Exception {
        return run(new Options(options)).results();
    }

    private static Report run(Options options) throws Exception {
        String name = options.text("scenario", "burst");
        Supplier<Scenario> known = SCENARIOS.get(name);
        if (known == null) {
            throw new IllegalArgumentException("unknown scenario " + name + "; known: " + SCENARIOS.keySet());
        }
        Scenario scenario = known.get();
        try (Bench bench = new Bench(options, scenario.sourceAddresses(options))) {
            bench.report.put("scenario", name);
            bench.report.put("users", options.integer("users", 2000));
            bench.report.put("nodes", options.nodes().stream().map(URI::toString).toList());
            scenario.run(bench);
            return bench.report;
        }
    }
}
