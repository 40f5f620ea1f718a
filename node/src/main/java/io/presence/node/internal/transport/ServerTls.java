package io.presence.node.internal.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.presence.node.config.TransportSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The TLS settings of the node's port as Netty's server context: the certificate and key (PEM),
 * and, when a client CA is set, certificates signed by it required of every client. The PEM files
 * are read by Vert.x's loaders, which take the key forms Vert.x took when it served the port
 * itself (PKCS#8 and PKCS#1).
 */
final class ServerTls {

    private ServerTls() {
    }

    /** Reads the files (blocking); null when TLS is off. */
    static SslContext context(TransportSecurity security, Vertx vertx) throws Exception {
        if (!security.tlsEnabled()) {
            return null;
        }
        SslContextBuilder builder = SslContextBuilder.forServer(new PemKeyCertOptions()
                        .setCertPath(security.certificate().orElseThrow())
                        .setKeyPath(security.key().orElseThrow())
                        .getKeyManagerFactory(vertx))
                .sslProvider(SslProvider.JDK);
        if (security.clientCa().isPresent()) {
            builder.trustManager(new PemTrustOptions().addCertPath(security.clientCa().get()).getTrustManagerFactory(vertx))
                    .clientAuth(ClientAuth.REQUIRE);
        }
        return builder.build();
    }
}
