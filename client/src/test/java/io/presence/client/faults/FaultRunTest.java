package io.presence.client.faults;

import io.presence.node.support.ProcessCluster.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The randomized fault run (see {@link FaultRun}), a short one per topology with a fixed seed in
 * the test run. {@code scripts/fault-run.sh} runs long ones: {@code -Dfaults.seconds},
 * {@code -Dfaults.seed} (a failure prints its seed: replay with it) and {@code -Dfaults.topology}.
 */
@Tag("process")
class FaultRunTest {

    private static final long EMBEDDED_SEED = 20261206L;
    private static final long CLIENT_SEED = 20261207L;

    @Test
    void embeddedNodesSurviveRandomFaultsWithATruthfulHistory() {
        run(Topology.EMBEDDED, EMBEDDED_SEED);
    }

    @Test
    void clientModeNodesSurviveRandomFaultsWithATruthfulHistory() {
        run(Topology.CLIENT, CLIENT_SEED);
    }

    private static void run(Topology topology, long defaultSeed) {
        String only = System.getProperty("faults.topology", "");
        assumeTrue(only.isEmpty() || only.equalsIgnoreCase(topology.name()), "only " + only + " asked for");
        long seed = Long.getLong("faults.seed", defaultSeed);
        Duration length = Duration.ofSeconds(Long.getLong("faults.seconds", 75));
        System.out.println("FAULT RUN [" + topology + "] seed " + seed + " for " + length.toSeconds() + " s"
                + " (replay: scripts/fault-run.sh " + topology.name().toLowerCase() + " " + length.toSeconds() + " " + seed + ")");
        FaultRun.Outcome outcome = FaultRun.run(topology, seed, length);
        outcome.report().forEach(line -> System.out.println("FAULT RUN " + line));
        assertTrue(outcome.violations().isEmpty(), () -> "seed " + seed + " (replay: scripts/fault-run.sh "
                + topology.name().toLowerCase() + " " + length.toSeconds() + " " + seed + "): "
                + String.join("\n", outcome.violations().subList(0, Math.min(40, outcome.violations().size()))));
    }
}
