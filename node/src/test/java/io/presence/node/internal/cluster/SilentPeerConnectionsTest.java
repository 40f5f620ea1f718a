package io.presence.node.internal.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.server.ServerConnectionManager;
import io.presence.node.config.NodeConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A peer whose kernel accepts a member connection and whose process never answers (a member
 * stopped with SIGSTOP, a long pause): the member closes that connection once the handshake is
 * overdue, instead of leaving it open for Hazelcast's output thread to spin on.
 */
@Tag("in-jvm")
class SilentPeerConnectionsTest {

    private HazelcastInstance member;

    @AfterEach
    void stop() {
        if (member != null) {
            member.getLifecycleService().terminate();
        }
    }

    @Test
    void aConnectionToAPeerThatNeverAnswersIsClosed() throws Exception {
        member = HazelcastMember.start(NodeConfigLoader.fromSettings(Map.of(
                "cluster.name", "silent-peer-" + UUID.randomUUID(), "hazelcast.port", "5981")));
        try (AutoCloseable watch = SilentPeerConnections.watch(member);
             ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ServerConnectionManager connections = ((HazelcastInstanceProxy) member).getOriginal().node.getServer()
                    .getConnectionManager(EndpointQualifier.MEMBER);
            connections.getOrConnect(new Address("127.0.0.1", silent.getLocalPort()));
            try (Socket accepted = silent.accept()) {
                InputStream in = accepted.getInputStream();
                assertEquals("HZC", new String(in.readNBytes(3), java.nio.charset.StandardCharsets.US_ASCII),
                        "Hazelcast's protocol header arrives");
                // never answered: the member closes it (the read ends) well before this gives up
                accepted.setSoTimeout(5_000);
                assertEquals(-1, in.read(), "closed by the member");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> connections.getConnections().stream()
                    .noneMatch(c -> c.getRemoteAddress() != null && c.getRemoteAddress().getPort() == silent.getLocalPort()));
        }
    }
}
