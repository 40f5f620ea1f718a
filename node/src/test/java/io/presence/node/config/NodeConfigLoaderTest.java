package io.presence.node.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class NodeConfigLoaderTest {

    @Test
    void defaultsMatchTheDocumentedValues() {
        NodeConfig c = NodeConfig.defaults();
        assertEquals("127.0.0.1", c.host());
        assertEquals(6020, c.port());
        assertEquals("/deepstream", c.binaryPath());
        assertEquals("/deepstream-json", c.jsonPath());
        assertEquals("/health-check", c.healthPath());
        assertEquals(1_048_576, c.maxMessageSize());
        assertEquals(180_000, c.authTimeoutMillis());
        assertEquals(30_000, c.clientTimeoutMillis());
        assertEquals(3, c.maxAuthAttempts());
        assertEquals(128, c.maxUsernameLength());
        assertEquals(ClusterMode.EMBEDDED, c.clusterMode());
        assertEquals(Optional.empty(), c.hazelcastConfig());
        assertEquals(List.of(), c.hazelcastMembers());
        assertEquals(List.of("none"), c.auth().strategies());
        assertEquals(Optional.empty(), c.permissionsFile());
        assertEquals(new Limits(50_000, 5_000, 5_000, 1_000, 2_000, 10_000, 1_000_000, 10_000, 100, 4_194_304), c.limits());
        assertTrue(!c.transportSecurity().tlsEnabled());
    }

    @Test
    void clusterModeIsEmbeddedOrClient() {
        assertEquals(ClusterMode.CLIENT, NodeConfigLoader.load(Optional.empty(), Map.of("PRESENCE_CLUSTER_MODE", "client")).clusterMode());
        ConfigException e = assertThrows(ConfigException.class,
                () -> NodeConfigLoader.load(Optional.empty(), Map.of("PRESENCE_CLUSTER_MODE", "member")));
        assertTrue(e.getMessage().contains("cluster.mode must be embedded or client (got 'member')"), e.getMessage());
    }

    @Test
    void theExampleFileHoldsTheDefaults() {
        // cluster-config/node.properties says its values are the defaults: keep it true
        assertEquals(NodeConfig.defaults(), NodeConfigLoader.load(Optional.of(Path.of("../cluster-config/node.properties")), Map.of()));
    }

    @Test
    void securitySettingsThatCannotWorkAreAllReportedAtStart(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(Optional.empty(), Map.of(
                "PRESENCE_AUTH", "file, ldap, http, jwt",
                "PRESENCE_AUTH_JWT_ALGORITHM", "RS256",
                "PRESENCE_PERMISSIONS_FILE", dir.resolve("missing.yml").toString(),
                "PRESENCE_TLS_CERTIFICATE", dir.resolve("node.crt").toString(),
                "PRESENCE_MAX_MESSAGES_PER_SECOND", "0")));
        String problems = e.getMessage();
        for (String expected : new String[] {"unknown strategy 'ldap'", "auth file needs auth.file.users",
                "auth http needs auth.http.url", "RS256 needs auth.jwt.public.key", "cannot read " + dir.resolve("missing.yml"),
                "tls.certificate and tls.key go together", "max.messages.per.second"}) {
            assertTrue(problems.contains(expected), expected + " in:\n" + problems);
        }
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, "port=7000\nmax.message.size=2048\nhazelcast.members=127.0.0.1:5701, 127.0.0.2\n");
        NodeConfig c = NodeConfigLoader.load(Optional.of(file), Map.of("PRESENCE_PORT", "7001", "PRESENCE_CLUSTER_NAME", "blue"));
        assertEquals(7001, c.port());
        assertEquals(2048, c.maxMessageSize());
        assertEquals(Optional.of("blue"), c.clusterName());
        assertEquals(List.of("127.0.0.1:5701", "127.0.0.2"), c.hazelcastMembers());
    }

    @Test
    void configFileCanBeNamedByTheEnvironment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("n.properties");
        Files.writeString(file, "client.timeout.ms=1000\n");
        NodeConfig c = NodeConfigLoader.load(Optional.empty(), Map.of("PRESENCE_CONFIG", file.toString()));
        assertEquals(1000, c.clientTimeoutMillis());
    }

    @Test
    void everyProblemIsReportedTogether(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "prot=7000\nport=70000\njson.path=deepstream-json\n");
        ConfigException e = assertThrows(ConfigException.class, () ->
                NodeConfigLoader.load(Optional.of(file), Map.of("PRESENCE_MAX_MESSAGE_SIZE", "big")));
        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key 'prot'"));
        assertTrue(e.getMessage().contains("port must be between 0 and 65535"));
        assertTrue(e.getMessage().contains("json.path must start with '/'"));
        assertTrue(e.getMessage().contains("max.message.size must be a whole number"));
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertEquals("PRESENCE_MAX_MESSAGE_SIZE", NodeConfigLoader.envName("max.message.size"));
    }

    @Test
    void presenceVariablesThatNameNoSettingAreListedSoThatATypoIsNotIgnoredInSilence() {
        assertEquals(List.of("PRESENCE_MAX_CONECTIONS", "PRESENCE_PROT"), NodeConfigLoader.unknownVariables(Map.of(
                "PRESENCE_PORT", "1", "PRESENCE_PROT", "2", "PRESENCE_CONFIG", "f", "PRESENCE_MAX_CONECTIONS", "3",
                "PATH", "/bin", "HZ_CLUSTERNAME", "x")));
    }
}
