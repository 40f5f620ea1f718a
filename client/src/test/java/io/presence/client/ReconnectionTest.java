package io.presence.client;

import io.presence.node.support.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.presence.node.support.UniqueNames.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nodes go away under subscribed clients: they reconnect, log in again, re-subscribe and hear later events. */
@Tag("in-jvm")
class ReconnectionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestCluster cluster;
    private final List<PresenceClient> clients = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        cluster = TestCluster.start(3);
    }

    @AfterEach
    void stopCluster() {
        clients.forEach(PresenceClient::close);
        cluster.close();
    }

    private PresenceClient.Builder builderFor(int... nodes) {
        PresenceClient.Builder b = PresenceClient.builder().reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500));
        for (int n : nodes) {
            b.url("127.0.0.1:" + cluster.node(n).port());
        }
        return b;
    }

    private PresenceClient track(PresenceClient c) {
        clients.add(c);
        return c;
    }

    static final class States implements ConnectionListener {
        final List<ConnectionState> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onStateChanged(ConnectionState state) {
            seen.add(state);
        }
    }

    @Test
    void stoppedNodesClientsMoveToTheNextUrlAndKeepTheirSubscriptions() {
        States states = new States();
        String me = unique("mover");
        PresenceClient mover = track(builderFor(0, 1).connectionListener(states).build());
        mover.login(Map.of("username", me)).join();
        PresenceClientTest.Recorder everyone = new PresenceClientTest.Recorder();
        PresenceClientTest.Recorder named = new PresenceClientTest.Recorder();
        String later = unique("later");
        mover.presence().subscribe(everyone);
        mover.presence().subscribe(later, named);
        // the client starts at either URL, at random: find out which, then stop that node
        await().atMost(WAIT).until(() -> cluster.node(0).subscriptionCount() + cluster.node(1).subscriptionCount() == 2);
        int on = cluster.node(0).subscriptionCount() == 2 ? 0 : 1;

        cluster.stop(on);
        await().atMost(WAIT).until(() -> cluster.node(1 - on).subscriptionCount() == 2);
        assertEquals(List.of(ConnectionState.CONNECTED, ConnectionState.RECONNECTING, ConnectionState.CONNECTED), states.seen);

        track(builderFor(2).build()).login(Map.of("username", later)).join();
        everyone.awaitCall(later + ":true");
        named.awaitCall(later + ":true");
        PresenceClient asker = track(builderFor(2).build());
        asker.login(Map.of("username", unique("asker"))).join();
        await().atMost(WAIT).until(() -> asker.presence().getAll().join().contains(me));
    }

    @Test
    void clientsOfARestartedNodeComeBackToItAndTheirListenersHearWhyAndWhenTheNextAttemptComes() {
        String me = unique("returner");
        PresenceClient returner = track(builderFor(0).build());
        returner.login(Map.of("username", me)).join();
        // added after build: hears every change from then on
        List<ConnectionChange> changes = new CopyOnWriteArrayList<>();
        returner.addConnectionListener(new ConnectionListener() {
            @Override
            public void onChange(ConnectionChange change) {
                changes.add(change);
            }
        });
        PresenceClientTest.Recorder everyone = new PresenceClientTest.Recorder();
        returner.presence().subscribe(everyone);
        await().atMost(WAIT).until(() -> cluster.node(0).subscriptionCount() == 1);

        cluster.stop(0);
        await().atMost(WAIT).until(() -> returner.state() == ConnectionState.RECONNECTING);
        // while the node is down, at least one more attempt fails: told, with the next one's delay
        await().atMost(WAIT).until(() -> changes.size() >= 2);
        cluster.restart(0);
        await().atMost(WAIT).until(() -> returner.state() == ConnectionState.CONNECTED);
        await().atMost(WAIT).until(() -> cluster.node(0).subscriptionCount() == 1);

        ConnectionChange lost = changes.get(0);
        assertEquals(List.of(ConnectionState.CONNECTED, ConnectionState.RECONNECTING), List.of(lost.previous(), lost.current()));
        assertTrue(lost.reason().isPresent() && lost.nextAttemptIn().isPresent(), lost::toString);
        assertTrue(lost.nextAttemptIn().get().toMillis() <= 500, lost::toString);
        ConnectionChange failedAttempt = changes.get(1);
        assertEquals(List.of(ConnectionState.RECONNECTING, ConnectionState.RECONNECTING),
                List.of(failedAttempt.previous(), failedAttempt.current()));
        assertTrue(failedAttempt.reason().orElseThrow().contains("cannot connect"), failedAttempt::toString);
        await().atMost(WAIT).until(() -> changes.get(changes.size() - 1).current() == ConnectionState.CONNECTED);
        ConnectionChange back = changes.get(changes.size() - 1);
        assertEquals(ConnectionState.RECONNECTING, back.previous());
        assertTrue(back.reason().isEmpty() && back.nextAttemptIn().isEmpty(), back::toString);

        String later = unique("later");
        track(builderFor(1).build()).login(Map.of("username", later)).join();
        everyone.awaitCall(later + ":true");
        PresenceClient asker = track(builderFor(2).build());
        asker.login(Map.of("username", unique("asker"))).join();
        await().atMost(WAIT).until(() -> asker.presence().getAll().join().contains(me));
    }

    @Test
    void callsWhileOfflineWaitForTheConnectionThenFailAfterTheOfflineTimeout() {
        String witness = unique("witness");
        track(builderFor(1).build()).login(Map.of("username", witness)).join();
        String me = unique("offline");
        PresenceClient c = track(builderFor(0).offlineTimeout(Duration.ofMillis(1500)).build());
        c.login(Map.of("username", me)).join();
        cluster.stop(0);
        await().atMost(WAIT).until(() -> c.state() == ConnectionState.RECONNECTING);
        CompletableFuture<List<String>> queued = c.presence().getAll();
        CompletionException e = assertThrows(CompletionException.class, queued::join);
        assertInstanceOf(PresenceException.ClientOffline.class, e.getCause());

        CompletableFuture<List<String>> answeredAfterRestart = c.presence().getAll();
        cluster.restart(0);
        List<String> answer = answeredAfterRestart.join();
        assertTrue(answer.contains(witness) && !answer.contains(me), () -> "answered once back: " + answer);
    }

    @Test
    void clientsOfACrashedNodeReconnectToTheNextOne() {
        States states = new States();
        String witness = unique("witness");
        track(builderFor(2).build()).login(Map.of("username", witness)).join();
        PresenceClient c = track(builderFor(0, 1).heartbeatInterval(Duration.ofMillis(300)).connectionListener(states).build());
        c.login(Map.of("username", unique("beat"))).join();
        // the client starts at either URL, at random; its subscription tells which node it is on
        c.presence().subscribe(new PresenceClientTest.Recorder());
        await().atMost(WAIT).until(() -> cluster.node(0).subscriptionCount() + cluster.node(1).subscriptionCount() == 1);
        int on = cluster.node(0).subscriptionCount() == 1 ? 0 : 1;
        // the other node knows the witness before the crash: what it answers afterwards is then its own doing
        PresenceClient probe = track(builderFor(1 - on).build());
        probe.login().join();
        await().atMost(WAIT).until(() -> probe.presence().getAll().join().contains(witness));
        // a crash stops the node's event loops; the client notices and moves to the other one
        cluster.crash(on);
        await().atMost(WAIT).until(() -> states.seen.contains(ConnectionState.RECONNECTING)
                && c.state() == ConnectionState.CONNECTED);
        assertTrue(c.presence().getAll().join().contains(witness), "queries work on the node it moved to");
    }
}
