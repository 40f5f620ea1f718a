package io.presence.node.process;

import io.presence.node.support.ProcessCluster;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes as real processes, failed with real signals: kill -9, SIGSTOP/SIGCONT, SIGTERM, and a
 * whole-cluster restart, with each node a Hazelcast member (embedded mode; {@link
 * NodeFailureClientModeTest} runs the same in client mode). Measured times are printed as
 * "MEASURED ..." lines (docs/resilience.md).
 */
@Tag("process")
class NodeFailureProcessTest {

    protected Vertx vertx;
    protected WebSocketClient ws;
    protected ProcessCluster cluster;
    protected final List<TestClient> clients = new ArrayList<>();

    protected ProcessCluster.Topology topology() {
        return ProcessCluster.Topology.EMBEDDED;
    }

    private ProcessCluster startCluster() {
        return ProcessCluster.start(topology(), 3, Map.of());
    }

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        ws = TestClient.sharedClient(vertx);
    }

    @AfterEach
    void tearDown() {
        // the nodes first: a client of a node left paused by a failed test would otherwise wait
        // out its close handshake, one client after another
        if (cluster != null) {
            cluster.close();
        }
        TestClient.closeAll(clients);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    protected TestClient login(int node, String username) {
        TestClient c = TestClient.loggedIn(ws, cluster.port(node), Endpoint.BINARY, username);
        clients.add(c);
        return c;
    }

    protected static Predicate<Message> event(Action action, String prefix) {
        return m -> m instanceof PresenceMessage p && p.action() == action && p.name() != null && p.name().startsWith(prefix);
    }

    protected static void measured(String what, long millis) {
        System.out.println("MEASURED " + what + ": " + millis + " ms");
    }

    /** Users only on {@code node} (prefix "only-"), and users also on node 0 (prefix "both-"). */
    private record Population(String tag, List<String> onlyThere, List<String> alsoOnNode0) {
        String onlyPrefix() {
            return "only-" + tag;
        }

        String bothPrefix() {
            return "both-" + tag;
        }
    }

    private Population populate(int node, int only, int both) {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        Population p = new Population(tag, new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < only; i++) {
            String name = p.onlyPrefix() + "-" + i;
            p.onlyThere().add(name);
            login(node, name);
        }
        for (int i = 0; i < both; i++) {
            String name = p.bothPrefix() + "-" + i;
            p.alsoOnNode0().add(name);
            login(node, name);
            login(0, name);
        }
        return p;
    }

    protected List<TestClient> watchers(int... nodes) {
        List<TestClient> watchers = new ArrayList<>();
        for (int n : nodes) {
            TestClient w = login(n, "watcher-" + n + "-" + UUID.randomUUID());
            w.subscribeAll();
            watchers.add(w);
        }
        return watchers;
    }

    /** Waits until every watcher has seen the join of everyone in {@code pop}. */
    private static void awaitJoined(List<TestClient> watchers, Population pop) {
        long everyone = pop.onlyThere().size() + pop.alsoOnNode0().size();
        awaitAll(watchers, everyone, m -> event(Action.PRESENCE_JOIN_ALL, pop.onlyPrefix()).test(m)
                || event(Action.PRESENCE_JOIN_ALL, pop.bothPrefix()).test(m), System.currentTimeMillis(), Duration.ofSeconds(60));
    }

    /** Waits until every watcher has {@code n} events matching, returns the ms since {@code since}. */
    protected static long awaitAll(List<TestClient> watchers, long n, Predicate<Message> matching, long since, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(5))
                .until(() -> watchers.stream().allMatch(w -> w.count(matching) >= n));
        return System.currentTimeMillis() - since;
    }

    protected static void assertExactlyOnce(List<TestClient> watchers, List<String> names, Action action) {
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> watchers.stream()
                .allMatch(w -> names.stream().allMatch(n -> w.count(m -> m instanceof PresenceMessage p
                        && p.action() == action && n.equals(p.name())) == 1)));
    }

    protected static Set<String> onlineAmong(TestClient asker, String... prefixes) {
        Set<String> online = new HashSet<>();
        for (String name : asker.queryAll()) {
            for (String prefix : prefixes) {
                if (name.startsWith(prefix)) {
                    online.add(name);
                }
            }
        }
        return online;
    }

    @Test
    void killedNodesUsersAreLoggedOutOnceWithinTwoSecondsAndSharedUsersStay() {
        cluster = startCluster();
        cluster.awaitOneCluster(vertx, ws);
        List<TestClient> watchers = watchers(0, 1);
        Population pop = populate(2, 900, 100);
        awaitJoined(watchers, pop);

        long killedAt = System.currentTimeMillis();
        cluster.node(2).kill9();
        long took = awaitAll(watchers, 900, event(Action.PRESENCE_LEAVE_ALL, pop.onlyPrefix()), killedAt, Duration.ofSeconds(30));
        measured("kill -9 -> last of 900 logouts at every survivor's subscriber", took);
        assertTrue(took <= 2000, "logouts took " + took + " ms after the kill");

        assertExactlyOnce(watchers, pop.onlyThere(), Action.PRESENCE_LEAVE_ALL);
        for (TestClient w : watchers) {
            assertEquals(0, w.count(event(Action.PRESENCE_LEAVE_ALL, pop.bothPrefix())), "users still connected elsewhere get no event");
            assertEquals(new HashSet<>(pop.alsoOnNode0()), onlineAmong(w, pop.onlyPrefix(), pop.bothPrefix()));
        }
    }

    @Test
    void hungNodesUsersAreLoggedOutAndComeBackOnceItResumes() {
        // the default 30 s interval: healing after the merge must not wait for it
        cluster = startCluster();
        cluster.awaitOneCluster(vertx, ws);
        List<TestClient> watchers = watchers(0, 1);
        Population pop = populate(2, 80, 20);
        awaitJoined(watchers, pop);

        long pausedAt = System.currentTimeMillis();
        cluster.node(2).pause();
        long detected = awaitAll(watchers, 80, event(Action.PRESENCE_LEAVE_ALL, pop.onlyPrefix()), pausedAt, Duration.ofSeconds(30));
        measured("SIGSTOP -> last of 80 logouts at every survivor's subscriber", detected);
        assertTrue(detected <= 6000, "hung node's users logged out after " + detected + " ms;" + cluster.timeline());
        assertExactlyOnce(watchers, pop.onlyThere(), Action.PRESENCE_LEAVE_ALL);

        // the fault lasts 15 s, as the issue states; this wait is the fault, not a synchronisation
        await().atMost(Duration.ofSeconds(20)).until(() -> System.currentTimeMillis() - pausedAt >= 15_000);
        long resumedAt = System.currentTimeMillis();
        cluster.node(2).resume();

        // each only-there user joined once before the hang; after it, once more
        long back = awaitAll(watchers, 160, event(Action.PRESENCE_JOIN_ALL, pop.onlyPrefix()), resumedAt, Duration.ofSeconds(90));
        Set<String> truth = new HashSet<>(pop.onlyThere());
        truth.addAll(pop.alsoOnNode0());
        TestClient askerOn2 = login(2, null);
        List<TestClient> askers = List.of(watchers.get(0), watchers.get(1), askerOn2);
        await().atMost(Duration.ofSeconds(90)).until(() -> askers.stream()
                .allMatch(a -> onlineAmong(a, pop.onlyPrefix(), pop.bothPrefix()).equals(truth)));
        long converged = System.currentTimeMillis() - resumedAt;
        measured("SIGCONT -> its users logged in again at every subscriber", back);
        measured("SIGCONT -> getAll() on every node equals the truth", converged);
        for (TestClient w : watchers) {
            for (String name : pop.onlyThere()) {
                assertEquals(2, w.count(m -> m instanceof PresenceMessage p && p.action() == Action.PRESENCE_JOIN_ALL
                        && name.equals(p.name())), "one login before the hang and one after it, for " + name);
            }
            assertEquals(0, w.count(event(Action.PRESENCE_LEAVE_ALL, pop.bothPrefix())));
        }
    }

    @Test
    void stoppedNodeClosesItsClientsAndItsUsersLogOutWithinOneSecond() {
        cluster = startCluster();
        cluster.awaitOneCluster(vertx, ws);
        List<TestClient> watchers = watchers(0, 1);
        Population pop = populate(2, 50, 10);
        awaitJoined(watchers, pop);
        List<TestClient> onStopped = clients.subList(clients.size() - 70, clients.size()).stream()
                .filter(c -> !c.isClosed()).toList();

        long stoppedAt = System.currentTimeMillis();
        cluster.node(2).terminate();
        long took = awaitAll(watchers, 50, event(Action.PRESENCE_LEAVE_ALL, pop.onlyPrefix()), stoppedAt, Duration.ofSeconds(30));
        measured("SIGTERM -> last of 50 logouts at every survivor's subscriber", took);
        assertTrue(took <= 1000, "logouts took " + took + " ms after SIGTERM");
        assertExactlyOnce(watchers, pop.onlyThere(), Action.PRESENCE_LEAVE_ALL);

        cluster.node(2).awaitExit(Duration.ofSeconds(30));
        long closedWithFrame = onStopped.stream().filter(c -> c.isClosed() && Short.valueOf((short) 1001).equals(c.closeStatus())).count();
        assertTrue(closedWithFrame >= 50, "clients of the stopped node got a close frame: " + closedWithFrame);
        for (TestClient w : watchers) {
            assertEquals(new HashSet<>(pop.alsoOnNode0()), onlineAmong(w, pop.onlyPrefix(), pop.bothPrefix()));
            assertEquals(0, w.count(event(Action.PRESENCE_LEAVE_ALL, pop.bothPrefix())));
        }
    }

    @Test
    void wholeClusterRestartKeepsNothingStaleAndReconnectingClientsAreOnlineAgain() {
        cluster = startCluster();
        cluster.awaitOneCluster(vertx, ws);
        Population pop = populate(1, 30, 0);
        TestClient asker = login(2, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> onlineAmong(asker, pop.onlyPrefix()).size() == 30);

        for (int i = 0; i < 3; i++) {
            cluster.node(i).kill9();
        }
        cluster.killDataTier();
        clients.forEach(TestClient::awaitClosed);
        clients.clear();
        cluster.startDataTier();
        for (int i = 0; i < 3; i++) {
            cluster.startNode(i);
        }
        for (int i = 0; i < 3; i++) {
            cluster.node(i).awaitHealthy();
        }
        cluster.awaitOneCluster(vertx, ws);
        for (int i = 0; i < 3; i++) {
            TestClient fresh = login(i, null);
            assertEquals(Set.of(), onlineAmong(fresh, pop.onlyPrefix()), "nothing stale on node " + i);
        }
        pop.onlyThere().forEach(name -> login(name.hashCode() % 2 == 0 ? 0 : 2, name));
        TestClient after = login(1, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> onlineAmong(after, pop.onlyPrefix()).equals(new HashSet<>(pop.onlyThere())));
    }
}
