package io.presence.node.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * Nodes as separate JVMs on loopback, with a port range and cluster name of their own: in
 * embedded mode each node a member; in client mode the nodes clients of two data members, which
 * are processes too.
 */
public final class ProcessCluster implements AutoCloseable {

    /** How the nodes reach the cluster (the node setting cluster.mode). */
    public enum Topology {
        EMBEDDED, CLIENT
    }

    /** Data members in client mode: two, so that one can die without losing data. */
    public static final int DATA_MEMBERS = 2;
    /**
     * Data members in client mode when they can be split: three. Two cannot tell a split between
     * them from the other's crash (each is half of what it saw, and half keeps deciding so that a
     * crash leaves the cluster working): a split of two is a split brain whatever they do.
     */
    public static final int LINKED_DATA_MEMBERS = 3;

    /** Hazelcast ports for process tests, apart from the dev cluster (5701) and in-JVM tests (5901). */
    public static final int HAZELCAST_BASE_PORT = 5951;

    private final String name = "presence-process-test-" + UUID.randomUUID();
    private final Map<String, String> settings;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<NodeProcess> dataMembers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Topology topology;
    private final int dataMemberCount;
    /** The relays between the members, when the cluster was started with them; else null. */
    private MemberLinks links;

    private ProcessCluster(Topology topology, Map<String, String> settings, int dataMemberCount) {
        this.topology = topology;
        this.dataMemberCount = topology == Topology.CLIENT ? dataMemberCount : 0;
        Map<String, String> all = new java.util.HashMap<>(settings);
        if (topology == Topology.CLIENT) {
            all.put("cluster.mode", "client");
            List<String> members = new ArrayList<>();
            for (int i = 0; i < dataMemberCount; i++) {
                members.add("127.0.0.1:" + (HAZELCAST_BASE_PORT + i));
            }
            all.put("hazelcast.members", String.join(",", members));
        }
        this.settings = Map.copyOf(all);
    }

    public static ProcessCluster start(int size, Map<String, String> settings) {
        return start(Topology.EMBEDDED, size, settings);
    }

    public static ProcessCluster start(Topology topology, int size, Map<String, String> settings) {
        return start(topology, size, settings, false);
    }

    /**
     * As {@link #start(Topology, int, Map)}; with {@code linked}, the members reach each other only
     * through {@link MemberLinks}, which can split them ({@link #links()}): the embedded nodes'
     * members, or in client mode the data members (the nodes, their clients, reach them through
     * the relays too, and are never cut off).
     */
    public static ProcessCluster start(Topology topology, int size, Map<String, String> settings, boolean linked) {
        ProcessCluster cluster = new ProcessCluster(topology, settings, linked ? LINKED_DATA_MEMBERS : DATA_MEMBERS);
        if (linked) {
            cluster.links = new MemberLinks(topology == Topology.CLIENT ? cluster.dataMemberCount : size);
        }
        cluster.startDataTier();
        for (int i = 0; i < size; i++) {
            cluster.ports.add(TestCluster.freePort());
            cluster.nodes.add(null);
        }
        for (int i = 0; i < size; i++) {
            cluster.startNode(i);
        }
        cluster.nodes.forEach(NodeProcess::awaitHealthy);
        return cluster;
    }

    /** In client mode, starts the data members (again) and waits until they are members; else nothing. */
    public void startDataTier() {
        if (topology != Topology.CLIENT) {
            return;
        }
        dataMembers.clear();
        // one after the other: started together, they may form two clusters that merge later
        for (int i = 0; i < dataMemberCount; i++) {
            dataMembers.add(null);
            startDataMember(i);
        }
    }

    /** In client mode, starts data member {@code index} (again) and waits until it is a member. */
    public NodeProcess startDataMember(int index) {
        // the nodes' settings (webhooks, grace), as members rather than clients
        Map<String, String> memberSettings = new java.util.HashMap<>(settings);
        memberSettings.remove("cluster.mode");
        memberSettings.put("hazelcast.members", "127.0.0.1");
        NodeProcess member;
        if (links == null) {
            member = NodeProcess.startDataMember("data" + index, name, HAZELCAST_BASE_PORT, memberSettings);
        } else {
            memberSettings.put("hazelcast.members", links.memberList());
            memberSettings.put("hazelcast.config", linkedConfig("data" + index, index).toString());
            member = NodeProcess.start(List.of(), links.jvmOptions(index), "data" + index, 0, name,
                    MemberLinks.MEMBER_PORT, memberSettings, List.of("data-member"));
        }
        dataMembers.set(index, member);
        return member.awaitHealthy();
    }

    /** In client mode, kills every data member (kill -9); else nothing. */
    public void killDataTier() {
        dataMembers.forEach(NodeProcess::kill9);
    }

    /** How many data members there are (client mode; 0 in embedded mode). */
    public int dataMemberCount() {
        return dataMemberCount;
    }

    /** The data members (client mode; none in embedded mode). */
    public NodeProcess dataMember(int index) {
        return dataMembers.get(index);
    }

    public Topology topology() {
        return topology;
    }

    /** What each node logged about membership and repairs, one line per node, to say why a bound was missed. */
    public String timeline() {
        StringBuilder out = new StringBuilder();
        List<NodeProcess> all = new ArrayList<>(nodes);
        all.addAll(dataMembers);
        for (int i = 0; i < all.size(); i++) {
            out.append(i < nodes.size() ? " | node" + i : " | data" + (i - nodes.size())).append(':');
            for (String line : all.get(i).logLines()) {
                if (line.contains("member left") || line.contains("member joined") || line.contains("released ")
                        || line.contains("disconnected")
                        || line.contains("Suspecting") || line.contains("Mastership") || line.contains("reconciliation failed")
                        || line.contains("is merging")) {
                    out.append(' ').append(line, Math.min(11, line.length()), Math.min(23, line.length()))
                            .append(' ').append(line.replaceAll(".*(member left|member joined|released \\d+|disconnected|Suspecting|Mastership|reconciliation failed|is merging).*", "$1"))
                            .append(';');
                }
            }
        }
        return out.toString();
    }

    /** Every line of every node's and data member's log that names {@code user} in quotes, prefixed by whose. */
    public List<String> linesAbout(String user) {
        List<String> found = new ArrayList<>();
        List<NodeProcess> all = new ArrayList<>(nodes);
        all.addAll(dataMembers);
        String quoted = "'" + user + "'";
        for (int i = 0; i < all.size(); i++) {
            String who = i < nodes.size() ? "node" + i : "data" + (i - nodes.size());
            for (String line : all.get(i).logLines()) {
                if (line.contains(quoted) || line.contains(" " + user + ",") || line.contains("[" + user + ",")
                        || line.contains(" " + user + "]") || line.contains("[" + user + "]")) {
                    found.add(who + " " + line);
                }
            }
        }
        return found;
    }

    /** Starts (or starts again, on the same port) node {@code index}; does not wait for it. */
    public NodeProcess startNode(int index) {
        return startNode(index, List.of());
    }

    /** Starts (or starts again) node {@code index} under {@code wrapper} (e.g. Debian's faketime); does not wait. */
    public NodeProcess startNode(int index, List<String> wrapper) {
        NodeProcess node;
        if (links == null) {
            node = NodeProcess.start(wrapper, "node" + index, ports.get(index), name, HAZELCAST_BASE_PORT, settings, List.of());
        } else if (topology == Topology.CLIENT) {
            // a client of the data members, through their relays
            Map<String, String> linked = new java.util.HashMap<>(settings);
            linked.put("hazelcast.members", links.memberList());
            node = NodeProcess.start(wrapper, "node" + index, ports.get(index), name, HAZELCAST_BASE_PORT, linked, List.of());
        } else {
            Map<String, String> linked = new java.util.HashMap<>(settings);
            linked.put("hazelcast.members", links.memberList());
            linked.put("hazelcast.config", linkedConfig("node" + index, index).toString());
            node = NodeProcess.start(wrapper, links.jvmOptions(index), "node" + index, ports.get(index), name,
                    MemberLinks.MEMBER_PORT, linked, List.of());
        }
        nodes.set(index, node);
        return node;
    }

    /** How many nodes (not data members) the cluster has. */
    public int size() {
        return nodes.size();
    }

    /**
     * Starts one more node (the next index) with its command under {@code wrapper} (e.g. Debian's
     * faketime); returns once it serves.
     */
    public NodeProcess addNode(List<String> wrapper) {
        int index = nodes.size();
        ports.add(TestCluster.freePort());
        nodes.add(NodeProcess.start(wrapper, "node" + index, ports.get(index), name, HAZELCAST_BASE_PORT, settings, List.of()));
        return nodes.get(index).awaitHealthy();
    }

    public NodeProcess node(int index) {
        return nodes.get(index);
    }

    public int port(int index) {
        return ports.get(index);
    }

    /** Waits until a login on node 0 is visible from every other node: the nodes form one cluster. */
    public void awaitOneCluster(Vertx vertx, WebSocketClient ws) {
        String probe = "probe-" + UUID.randomUUID();
        try (TestClient p = TestClient.loggedIn(ws, port(0), TestClient.Endpoint.BINARY, probe)) {
            for (int i = 1; i < nodes.size(); i++) {
                try (TestClient asker = TestClient.loggedIn(ws, port(i), TestClient.Endpoint.BINARY, null)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> asker.queryAll().contains(probe));
                }
            }
        }
    }

    /** Member {@code index}'s Hazelcast YAML when linked (named after {@code process}): the node's own, with its outbound ports. */
    private java.nio.file.Path linkedConfig(String process, int index) {
        try (java.io.InputStream in = ProcessCluster.class.getResourceAsStream("/hazelcast-local.yaml")) {
            String packed = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            java.nio.file.Path file = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "node-processes"))
                    .resolve("hazelcast-linked-" + process + ".yaml");
            java.nio.file.Files.writeString(file, MemberLinks.config(packed, index));
            return file.toAbsolutePath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The relays between the members; null unless started linked. */
    public MemberLinks links() {
        return links;
    }

    @Override
    public void close() {
        nodes.forEach(n -> {
            if (n != null) {
                n.close();
            }
        });
        dataMembers.forEach(NodeProcess::close);
        if (links != null) {
            links.close();
        }
    }
}
