package io.presence.node.support;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a Debian package, root for network namespaces). Missing
 * on a developer's machine, the test is skipped and says why on standard error; missing under
 * {@code CI}, where .ci/run installs everything, the test fails instead of passing quietly.
 */
public final class Prerequisite {

    private Prerequisite() {
    }

    public static void require(boolean present, String whyNot) {
        if (present) {
            return;
        }
        if (System.getenv("CI") != null) {
            Assertions.fail(whyNot);
        }
        System.err.println("SKIPPED: " + whyNot);
        Assumptions.abort(whyNot);
    }
}
