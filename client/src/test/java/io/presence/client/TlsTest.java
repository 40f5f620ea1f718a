package io.presence.client;

import io.presence.node.support.TestCluster;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK over wss:// to a node serving TLS from PEM files. */
@Tag("in-jvm")
class TlsTest {

    private static SelfSignedCertificate certificate;
    private static TestCluster node;

    @BeforeAll
    static void start() {
        certificate = SelfSignedCertificate.create("localhost");
        node = TestCluster.start(1, Map.of("tls.certificate", certificate.certificatePath(),
                "tls.key", certificate.privateKeyPath()));
    }

    @AfterAll
    static void stop() {
        node.close();
        certificate.delete();
    }

    /** What an application does to trust a private CA: a trust store with its certificate. */
    private static SSLContext trusting(String pemFile) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(pemFile))) {
            store.setCertificateEntry("node", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static String url() {
        return "wss://localhost:" + node.node(0).port();
    }

    @Test
    void theSdkLogsInAndQueriesOverTls() throws Exception {
        try (PresenceClient watcher = PresenceClient.builder().url(url()).sslContext(trusting(certificate.certificatePath())).build();
             PresenceClient user = PresenceClient.builder().url(url()).sslContext(trusting(certificate.certificatePath())).build()) {
            assertTrue(watcher.login(Map.of("username", "tls-watcher")).get(10, TimeUnit.SECONDS).isLoggedIn());
            assertTrue(user.login(Map.of("username", "tls-user")).get(10, TimeUnit.SECONDS).isLoggedIn());
            // the login is in every view once the cluster has it, a moment after login() completes
            await().atMost(Duration.ofSeconds(10)).until(
                    () -> watcher.presence().getAll().get(10, TimeUnit.SECONDS), List.of("tls-user")::equals);
        }
    }

    @Test
    void withoutTrustInTheNodesCertificateTheSdkNeverGetsIn() {
        try (PresenceClient client = PresenceClient.builder().url(url()).offlineTimeout(Duration.ofSeconds(1))
                .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(200)).build()) {
            CompletionException failed = assertThrows(CompletionException.class,
                    () -> client.login(Map.of("username", "untrusting")).join());
            assertTrue(failed.getCause() instanceof PresenceException, failed.toString());
        }
    }
}
