package io.presence.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator's command line: what it refuses, and a usage that lists what the scenarios read. */
@Tag("unit")
class OptionsTest {

    @Test
    void anUnknownOptionIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--scenario", "burst", "--userz", "10"}));
        assertEquals("unknown option --userz", e.getMessage());
    }

    @Test
    void anOptionWithoutItsValueOrAStrayWordIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--users"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"users", "10"}));
    }

    @Test
    void targetsOffLoopbackAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Options(Map.of("nodes", "ws://10.0.0.1:6020/deepstream")));
    }

    @Test
    void helpIsRecognisedAndTheUsageListsEveryOption() {
        assertTrue(Options.wantsHelp(new String[] {"--scenario", "burst", "--help"}));
        String usage = Options.usage();
        Options.KNOWN.keySet().forEach(key -> assertTrue(usage.contains("--" + key), key));
    }

    @Test
    void readingAKeyTheUsageDoesNotListFails() {
        Options options = new Options(Map.of());
        assertThrows(IllegalStateException.class, () -> options.text("not-listed", ""));
        assertEquals(7, options.integer("users", 7));
    }
}
