package io.presence.node.process;

import io.presence.node.support.ProcessCluster;
import org.junit.jupiter.api.Tag;

/**
 * {@link WebhookKillTest} in client mode: the data members decide the killed node's logouts, with
 * no live sender, and the surviving nodes take those and the dead node's unsent logins over.
 */
@Tag("process")
class WebhookKillClientModeTest extends WebhookKillTest {

    @Override
    protected ProcessCluster.Topology topology() {
        return ProcessCluster.Topology.CLIENT;
    }
}
