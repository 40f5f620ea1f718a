package io.presence.node.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A process whose clock runs ahead, through Debian's libfaketime preloaded into its JVM (env execs
 * java: the process is the JVM). The monotonic clock is shifted too: left alone, libfaketime makes
 * the JVM's timed waits return at once and the process spins.
 */
public final class ShiftedClock {

    private static final String LIBRARY = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    private ShiftedClock() {
    }

    /** The command prefix that runs a program with its clock {@code ahead} of the real one. */
    public static List<String> ahead(Duration ahead) {
        return List.of("env", "LD_PRELOAD=" + LIBRARY, "FAKETIME=+" + ahead.toSeconds() + "s");
    }

    public static boolean installed() {
        return Files.exists(Path.of(LIBRARY));
    }

    /** Fails on CI, skips elsewhere (saying why), when faketime is not installed. */
    public static void assumeInstalled() {
        Prerequisite.require(installed(),
                "Debian's faketime is not installed (apt-get install faketime): a shifted clock cannot be made");
    }
}
