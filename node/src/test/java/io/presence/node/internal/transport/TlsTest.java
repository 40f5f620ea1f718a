package io.presence.node.internal.transport;

import io.presence.node.support.LogCapture;
import io.presence.node.support.TestClient;
import io.presence.node.support.TestClient.Endpoint;
import io.presence.node.support.TestCluster;
import io.presence.protocol.AuthMessage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * wss:// from PEM files, a required client certificate, and the Origin allowlist, over real TLS
 * connections on loopback.
 */
@Tag("in-jvm")
class TlsTest {

    private static final String APP = "https://app.example";
    private static SelfSignedCertificate serverCert;
    private static SelfSignedCertificate clientCert;
    private static TestCluster tlsNode;
    private static TestCluster mutualTlsNode;
    private static Vertx vertx;

    @BeforeAll
    static void startNodes() {
        serverCert = SelfSignedCertificate.create("localhost");
        clientCert = SelfSignedCertificate.create("presence-test-client");
        tlsNode = TestCluster.start(1, Map.of("tls.certificate", serverCert.certificatePath(),
                "tls.key", serverCert.privateKeyPath(), "allowed.origins", APP + ", https://other.example"));
        // the client's self-signed certificate is its own CA
        mutualTlsNode = TestCluster.start(1, Map.of("tls.certificate", serverCert.certificatePath(),
                "tls.key", serverCert.privateKeyPath(), "tls.client.ca", clientCert.certificatePath()));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        tlsNode.close();
        mutualTlsNode.close();
        serverCert.delete();
        clientCert.delete();
    }

    private static WebSocketClient client(boolean withClientCertificate) {
        WebSocketClientOptions options = new WebSocketClientOptions().setSsl(true).setTrustOptions(serverCert.trustOptions());
        if (withClientCertificate) {
            options.setKeyCertOptions(clientCert.keyCertOptions());
        }
        return vertx.createWebSocketClient(options);
    }

    /** As a client that is not a browser: no Origin header (Vert.x sends one unless told not to). */
    private static WebSocketConnectOptions to(TestCluster node) {
        return new WebSocketConnectOptions().setHost("localhost").setPort(node.node(0).port()).setAllowOriginHeader(false);
    }

    private static WebSocketConnectOptions fromBrowser(String origin) {
        return to(tlsNode).setAllowOriginHeader(true).putHeader("Origin", origin);
    }

    private static void logsInAndIsServed(TestClient c, String username) {
        c.handshake();
        assertEquals(AuthMessage.Action.AUTH_SUCCESSFUL, c.authenticate("{\"username\":\"" + username + "\"}").action());
        assertFalse(c.queryAll().contains(username), "served: a getAll() answered (without the asker)");
        c.close();
    }

    @Test
    void bothEndpointsServeOverTlsAndTheHealthCheckOverHttps() throws Exception {
        logsInAndIsServed(TestClient.connect(client(false), to(tlsNode), Endpoint.BINARY), "tls-binary");
        logsInAndIsServed(TestClient.connect(client(false), to(tlsNode), Endpoint.JSON), "tls-json");

        int status = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustOptions(serverCert.trustOptions()))
                .request(HttpMethod.GET, tlsNode.node(0).port(), "localhost", tlsNode.node(0).config().healthPath())
                .compose(r -> r.send()).map(r -> r.statusCode())
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(200, status);
    }

    @Test
    void plainTextAndUntrustedCertificatesGetNoConnection() {
        WebSocketClient plain = vertx.createWebSocketClient();
        assertThrows(IllegalStateException.class, () -> TestClient.connect(plain, to(tlsNode), Endpoint.BINARY));
        WebSocketClient trustingNobody = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true));
        assertThrows(IllegalStateException.class, () -> TestClient.connect(trustingNobody, to(tlsNode), Endpoint.BINARY));
    }

    @Test
    void browsersFromAnOriginNotAllowedAreRefusedAndOthersServed() {
        try (LogCapture log = LogCapture.start()) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> TestClient.connect(client(false),
                    fromBrowser("https://evil.example"), Endpoint.BINARY));
            UpgradeRejectedException rejection = assertInstanceOf(UpgradeRejectedException.class,
                    refused.getCause() instanceof ExecutionException e ? e.getCause() : refused.getCause());
            assertEquals(403, rejection.getStatus());
            assertTrue(log.contains("origin https://evil.example refused"), log.lines().toString());
        }
        logsInAndIsServed(TestClient.connect(client(false), fromBrowser(APP), Endpoint.BINARY), "from-app");
        logsInAndIsServed(TestClient.connect(client(false), fromBrowser("https://other.example"), Endpoint.BINARY), "from-other");
        // not a browser: no Origin, not limited by it
        logsInAndIsServed(TestClient.connect(client(false), to(tlsNode), Endpoint.BINARY), "backend");
    }

    @Test
    void aNodeRequiringClientCertificatesServesOnlyClientsWithOneSignedByItsCa() {
        assertThrows(IllegalStateException.class, () -> TestClient.connect(client(false), to(mutualTlsNode), Endpoint.BINARY));
        logsInAndIsServed(TestClient.connect(client(true), to(mutualTlsNode), Endpoint.BINARY), "with-certificate");
    }
}
