package io.presence.node.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.YamlConfigBuilder;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.presence.node.config.ConfigException;
import io.presence.node.config.NodeConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Starts the embedded Hazelcast member from the node's configuration. */
public final class HazelcastMember {

    /** The local-cluster configuration packed into the node (cluster-config/hazelcast-local.yaml). */
    public static final String EMBEDDED_CONFIG = "/hazelcast-local.yaml";

    private HazelcastMember() {
    }

    /** Blocks until the member has joined (or formed) its cluster. */
    public static HazelcastInstance start(NodeConfig node) {
        return Hazelcast.newHazelcastInstance(config(node));
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
        PresenceSerialization.register(config);
        return config;
    }

    private static Config load(NodeConfig node) {
        if (node.hazelcastConfig().isPresent()) {
            Path file = Path.of(node.hazelcastConfig().get());
            try (InputStream in = Files.newInputStream(file)) {
                return new YamlConfigBuilder(in).build();
            } catch (IOException e) {
                throw new ConfigException(List.of("cannot read Hazelcast config " + file + ": " + e.getMessage()));
            }
        }
        try (InputStream in = HazelcastMember.class.getResourceAsStream(EMBEDDED_CONFIG)) {
            if (in == null) {
                throw new IllegalStateException(EMBEDDED_CONFIG + " is missing from the node's jar");
            }
            return new YamlConfigBuilder(in).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
