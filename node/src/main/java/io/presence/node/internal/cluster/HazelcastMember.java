package io.presence.node.internal.cluster;

import io.presence.node.internal.cluster.state.UserHolders;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.YamlClientConfigBuilder;
import com.hazelcast.config.Config;
import com.hazelcast.config.YamlConfigBuilder;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import io.presence.node.internal.cluster.state.PresenceSerialization;
import io.presence.node.config.ClusterMode;
import io.presence.node.config.ConfigException;
import io.presence.node.config.NodeConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts this process's Hazelcast instance from the node's configuration: a member (a node in
 * embedded mode, or a data member), or, for a node in client mode, a client of the data members.
 */
public final class HazelcastMember {

    /** The local-cluster configuration packed into the node (cluster-config/hazelcast-local.yaml). */
    public static final String EMBEDDED_CONFIG = "/hazelcast-local.yaml";
    /** A client's configuration for the local data members (cluster-config/hazelcast-client-local.yaml). */
    public static final String CLIENT_CONFIG = "/hazelcast-client-local.yaml";

    private HazelcastMember() {
    }

    /** Blocks until the member has joined (or formed) its cluster. */
    public static HazelcastInstance start(NodeConfig node) {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config(node));
        RecentMajority.followDepartures(member);
        RecentMajority.awaitFirstVerdict(member);
        return member;
    }

    /**
     * Leaves the cluster gracefully: tells the others first, so that those left behind still count
     * as the majority ({@link RecentMajority}), then shuts down (its partitions move to them).
     */
    public static void leave(HazelcastInstance member) {
        try {
            RecentMajority.announceDeparture(member);
        } catch (RuntimeException stopping) {
            // already shutting down: the others count it as gone, as after a crash
        }
        member.shutdown();
    }

    /** What a node runs on: a member of its own, or a client connected to the data members (blocks until it is). */
    public static HazelcastInstance startForNode(NodeConfig node) {
        return node.clusterMode() == ClusterMode.CLIENT ? HazelcastClient.newHazelcastClient(clientConfig(node)) : start(node);
    }

    static ClientConfig clientConfig(NodeConfig node) {
        ClientConfig config;
        try (InputStream in = open(node, CLIENT_CONFIG)) {
            config = new YamlClientConfigBuilder(in).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        node.clusterName().ifPresent(config::setClusterName);
        if (!node.hazelcastMembers().isEmpty()) {
            config.getNetworkConfig().setAddresses(node.hazelcastMembers());
        }
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        PresenceSerialization.register(config.getSerializationConfig());
        return config;
    }

    static Config config(NodeConfig node) {
        Config config = load(node);
        node.clusterName().ifPresent(config::setClusterName);
        node.hazelcastPort().ifPresent(port -> config.getNetworkConfig().setPort(port).setPortAutoIncrement(true));
        if (!node.hazelcastMembers().isEmpty()) {
            config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(node.hazelcastMembers());
        }
        // our own members shut down in order on stop; a JVM hook racing with that would lose data
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        PresenceSerialization.register(config.getSerializationConfig());
        // the larger side of a split decides (RecentMajority); at the merge its map is the truth,
        // the smaller side's entries are stale copies, and its nodes hold their users again
        RecentMajority.protect(config, UserHolders.MAP);
        config.getMapConfig(UserHolders.MAP).getMergePolicyConfig().setPolicy(DiscardMergePolicy.class.getName());
        // which side's map that is depends on which side merges: our search decides it (MergeSearch)
        MergeSearch.replaceHazelcastSearch(config);
        HazelcastLastSeen.configure(config, node.lastSeen());
        if (node.userDataMaxBytes() > 0) {
            HazelcastUserData.configure(config, node.lastSeen());
        }
        return config;
    }

    private static Config load(NodeConfig node) {
        try (InputStream in = open(node, EMBEDDED_CONFIG)) {
            return new YamlConfigBuilder(in).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file that hazelcast.config names, else the default packed into the jar. */
    private static InputStream open(NodeConfig node, String packed) {
        if (node.hazelcastConfig().isPresent()) {
            Path file = Path.of(node.hazelcastConfig().get());
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new ConfigException(List.of("cannot read Hazelcast config " + file + ": " + e.getMessage()));
            }
        }
        InputStream in = HazelcastMember.class.getResourceAsStream(packed);
        if (in == null) {
            throw new IllegalStateException(packed + " is missing from the node's jar");
        }
        return in;
    }
}
