package io.presence.node.process;

import io.presence.node.support.AgentProcess;
import io.presence.node.support.NetworkLab;
import io.presence.node.support.NodeProcess;
import io.presence.node.support.Prerequisite;
import io.presence.node.support.ProcessCluster.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real network splits: three nodes, each in a network namespace of its own with its own address,
 * joined by a bridge (in client mode two data members as well, each in its own namespace), with
 * clients connected to every node from inside its namespace (agent processes: this JVM has no
 * address there). Node 2's link is cut in both directions while everything keeps running, then
 * restored; then it flaps. Skipped, saying why, where namespaces cannot be made (not root); fails
 * so under CI.
 * Measured times are printed as "MEASURED ..." lines (docs/resilience.md).
 */
@Tag("process")
class NetworkSplitTest {

    private static final int HTTP_PORT = 6020;
    private static final int HAZELCAST_PORT = 5701;
    private static final int CUT = 2;

    private NetworkLab lab;
    private final String tag = UUID.randomUUID().toString().substring(0, 6);
    private final List<NodeProcess> processes = new ArrayList<>();
    private final List<AgentProcess> agents = new ArrayList<>();

    @AfterEach
    void tearDown() {
        agents.forEach(AgentProcess::close);
        processes.forEach(NodeProcess::close);
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void embeddedCutOffNodeIsLoggedOutByTheMajorityAndHealsWhenItsLinkReturns() throws IOException {
        splitHealAndFlap(Topology.EMBEDDED);
    }

    @Test
    void clientModeCutOffNodeIsLoggedOutByTheMajorityAndHealsWhenItsLinkReturns() throws IOException {
        splitHealAndFlap(Topology.CLIENT);
    }

    private void splitHealAndFlap(Topology topology) throws IOException {
        NetworkLab.Lab made = NetworkLab.create();
        Prerequisite.require(made.lab().isPresent(), made.whyNot());
        lab = made.lab().get();
        startCluster(topology);

        for (int i = 0; i < 3; i++) {
            AgentProcess agent = AgentProcess.start(lab.inside(i), "agent" + i + "-" + topology, HTTP_PORT);
            agents.add(agent);
            agent.watch(watcher(i));
        }
        List<String> cutUsers = new ArrayList<>();
        List<String> stayUsers = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            cutUsers.add("cut-" + tag + "-" + k);
            agents.get(CUT).login(cutUsers.get(k));
        }
        for (int k = 0; k < 10; k++) {
            stayUsers.add("stay-" + tag + "-" + k);
            agents.get(0).login(stayUsers.get(k));
        }
        Set<String> truth = new HashSet<>(cutUsers);
        truth.addAll(stayUsers);
        for (int i = 0; i < 3; i++) {
            truth.add(watcher(i));
        }
        awaitAgreement(truth, Duration.ofSeconds(60));
        List<String> users = new ArrayList<>(cutUsers);
        users.addAll(stayUsers);
        for (AgentProcess a : agents) {
            await().atMost(Duration.ofSeconds(30)).until(() -> users.stream().allMatch(n -> a.stream(n).equals(List.of(true))));
        }
        assertEquals(200, agents.get(CUT).health());

        // the split: node 2's link goes down in both directions; every process keeps running
        long cutAt = System.currentTimeMillis();
        lab.cut(CUT);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> agents.get(CUT).health() == 503);
        long unready = System.currentTimeMillis() - cutAt;
        List<AgentProcess> majority = agents.subList(0, 2);
        for (AgentProcess a : majority) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cutUsers.stream().allMatch(n -> a.stream(n).equals(List.of(true, false))));
        }
        long loggedOut = System.currentTimeMillis() - cutAt;
        measured(topology, "link cut -> the cut-off node's health check says 503", unready);
        measured(topology, "link cut -> its 20 users logged out at the majority's subscribers", loggedOut);
        assertTrue(unready <= 6_000, "503 after " + unready + " ms");
        Set<String> majorityTruth = new HashSet<>(truth);
        cutUsers.forEach(majorityTruth::remove);
        majorityTruth.remove(watcher(CUT));
        for (AgentProcess a : majority) {
            assertTrue(stayUsers.stream().allMatch(n -> a.stream(n).equals(List.of(true))), "the majority's own users stay");
            await().atMost(Duration.ofSeconds(10)).until(() -> a.online().equals(majorityTruth));
        }

        // the link returns: the sides merge, and node 2's users are online again once everywhere
        long restoredAt = System.currentTimeMillis();
        lab.restore(CUT);
        for (AgentProcess a : majority) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cutUsers.stream().allMatch(n -> a.stream(n).equals(List.of(true, false, true))));
        }
        long back = System.currentTimeMillis() - restoredAt;
        awaitAgreement(truth, Duration.ofSeconds(60));
        long agreed = System.currentTimeMillis() - restoredAt;
        measured(topology, "link back -> node 2's users online again at the majority's subscribers", back);
        measured(topology, "link back -> getAll() equal to the truth on all three nodes", agreed);
        assertAlternatingAndOnline(users);

        // a flapping link: cut long enough to split, back, cut again, back for good
        for (int flap = 0; flap < 2; flap++) {
            lab.cut(CUT);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> agents.get(CUT).health() == 503);
            lab.restore(CUT);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> agents.get(CUT).health() == 200);
        }
        long flappedAt = System.currentTimeMillis();
        awaitAgreement(truth, Duration.ofSeconds(60));
        for (AgentProcess a : agents) {
            await().atMost(Duration.ofSeconds(60)).until(() -> users.stream().allMatch(n -> last(a.stream(n))));
        }
        measured(topology, "after two more flaps -> every node agrees and every user is online", System.currentTimeMillis() - flappedAt);
        assertAlternatingAndOnline(users);
        assertTrue(back <= 10_000 && agreed <= 10_000, "target: back and agreed within 10 s of the link's return; took "
                + back + " / " + agreed + " ms");
    }

    private void startCluster(Topology topology) throws IOException {
        for (int i = 0; i < (topology == Topology.CLIENT ? 5 : 3); i++) {
            lab.addHost();
        }
        String cluster = "presence-split-" + tag;
        Path memberConfig = memberConfig();
        Map<String, String> settings = new HashMap<>();
        if (topology == Topology.EMBEDDED) {
            settings.put("hazelcast.config", memberConfig.toString());
            // with ports: a split-brain search tries every address of the list in turn and gives
            // each that does not answer 5 s (fixed in Hazelcast), so a bare address, which stands
            // for three ports, made the cut-off node's return take 12-32 s instead of a few
            settings.put("hazelcast.members", lab.address(0) + ":" + HAZELCAST_PORT + "," + lab.address(1) + ":" + HAZELCAST_PORT
                    + "," + lab.address(2) + ":" + HAZELCAST_PORT);
            settings.put("min.cluster.size", "2");
        } else {
            // data members on hosts 3 and 4, each in its own namespace, started one after the other
            for (int d = 3; d < 5; d++) {
                processes.add(NodeProcess.start(lab.inside(d), "split-data" + d, 0, cluster, HAZELCAST_PORT,
                        Map.of("hazelcast.config", memberConfig.toString(), "hazelcast.members",
                                lab.address(3) + ":" + HAZELCAST_PORT + "," + lab.address(4) + ":" + HAZELCAST_PORT),
                        List.of("data-member")).awaitHealthy());
            }
            settings.put("cluster.mode", "client");
            settings.put("hazelcast.members", lab.address(3) + ":" + HAZELCAST_PORT + "," + lab.address(4) + ":" + HAZELCAST_PORT);
        }
        // one after the other, so that they form one cluster rather than merge later
        for (int i = 0; i < 3; i++) {
            processes.add(NodeProcess.start(lab.inside(i), "split-node" + i, HTTP_PORT, cluster, HAZELCAST_PORT, settings, List.of())
                    .awaitHealthy());
        }
    }

    /** The local cluster's member config, bound to the lab's addresses instead of loopback. */
    private Path memberConfig() throws IOException {
        String local = Files.readString(Path.of("../cluster-config/hazelcast-local.yaml"));
        String here = local.replace("      interfaces:\n        - 127.0.0.1\n", "      interfaces:\n        - " + lab.addressPattern() + "\n");
        assertTrue(here.contains("- " + lab.addressPattern()),
                "hazelcast-local.yaml changed shape; update this test");
        Path file = Files.createTempFile("hazelcast-split", ".yaml");
        file.toFile().deleteOnExit();
        return Files.writeString(file, here);
    }

    /** Until every node's getAll() is the truth. */
    private void awaitAgreement(Set<String> truth, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100))
                .until(() -> agents.stream().allMatch(a -> a.online().equals(truth)));
    }

    private String watcher(int node) {
        return "watcher-" + node + "-" + tag;
    }

    /** Every watcher heard each user's joins and leaves alternate, ending with a join. */
    private void assertAlternatingAndOnline(List<String> users) {
        for (AgentProcess a : agents) {
            for (String n : users) {
                List<Boolean> stream = a.stream(n);
                for (int k = 1; k < stream.size(); k++) {
                    assertTrue(stream.get(k) != stream.get(k - 1), "two of a kind in a row for " + n + ": " + stream);
                }
                assertTrue(last(stream), n + " ends online: " + stream);
            }
        }
    }

    private static boolean last(List<Boolean> stream) {
        return !stream.isEmpty() && stream.get(stream.size() - 1);
    }

    private static void measured(Topology topology, String what, long millis) {
        System.out.println("MEASURED [" + topology.name().toLowerCase() + "] " + what + ": " + millis + " ms");
    }
}
