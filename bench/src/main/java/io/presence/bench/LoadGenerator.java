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
 *   LoadGenerator --nodes ws://127.0.0.1:6020/deepstream[,ws://...] --scenario NAME [--option value ...]
 *   LoadGenerator --help
 * </pre>
 *
 * The options are {@link Options#KNOWN}; the scenarios are in {@link #SCENARIOS}, each class says what it does. Every loop is bounded by
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
            "remote-changes", RemoteChangesScenario::new,
            "fanout", FanoutScenario::new);

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (Options.wantsHelp(args)) {
            System.out.print(Options.usage());
            return;
        }
        Options options;
        Report report;
        try {
            options = Options.parse(args);
            report = run(options);
        } catch (IllegalArgumentException e) {
            // a command line it cannot run: say why, and what it takes
            System.err.print(e.getMessage() + "\n" + Options.usage());
            System.exit(2);
            return;
        }
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
