package io.presence.node.process;

import io.presence.node.support.ProcessCluster;
import io.presence.node.support.TestClient;
import io.presence.node.support.WebhookReceiver;
import io.presence.node.support.WebhookedProcesses;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a node process while its webhook batch is in flight (the receiver holds the request
 * unanswered): nothing is lost. The survivors take over its undelivered logins and send the
 * logouts its death causes; each user's events arrive in order, duplicates marked by their id.
 */
@Tag("process")
class WebhookKillTest {

    @RegisterExtension
    final WebhookedProcesses processes = new WebhookedProcesses();
    private final Vertx vertx = processes.vertx();
    private final WebSocketClient ws = processes.ws();
    private final WebhookReceiver receiver = processes.receiver();
    private final List<TestClient> clients = processes.clients();
    private ProcessCluster cluster;

    protected ProcessCluster.Topology topology() {
        return ProcessCluster.Topology.EMBEDDED;
    }

    @Test
    void aKilledSenderLosesNoEvent() {
        cluster = processes.start(topology(), 3);
        cluster.awaitOneCluster(vertx, ws);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        receiver.mode(WebhookReceiver.Mode.HOLD);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String user = "killed-" + tag + "-" + i;
            users.add(user);
            // node 2 decides these logins, so node 2 sends them
            clients.add(TestClient.loggedIn(ws, cluster.port(2), TestClient.Endpoint.BINARY, user));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.held() >= 1);
        receiver.mode(WebhookReceiver.Mode.ACCEPT);
        long killedAt = System.currentTimeMillis();
        cluster.node(2).kill9();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertTrue(users.stream().allMatch(u ->
                receiver.byUser().getOrDefault(u, List.of()).size() == 2), () -> "received " + receiver.byUser()
                + "; held " + receiver.held() + "; requests " + receiver.log() + "; killed at " + killedAt));
        System.out.println("MEASURED [" + topology() + "] kill -9 of the webhook sender -> every login and logout delivered: "
                + (System.currentTimeMillis() - killedAt) + " ms");
        for (String user : users) {
            List<WebhookReceiver.Event> events = receiver.byUser().get(user);
            assertEquals(List.of(true, false), events.stream().map(WebhookReceiver.Event::online).toList(), user + ": " + events);
            assertTrue(events.get(1).version() > events.get(0).version());
        }
        assertEquals(0, receiver.badSignatures());
    }
}
