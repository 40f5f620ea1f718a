package io.presence.client;

import io.presence.client.internal.RealPresenceClient;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A connection to a presence cluster, speaking deepstream's protocol on the binary (protobuf)
 * endpoint, like the official JavaScript client does by default: frames are smaller than JSON
 * and need no escaping.
 *
 * <pre>{@code
 * try (PresenceClient client = PresenceClient.builder().url("127.0.0.1:6020").build()) {
 *     client.login(Map.of("username", "Alex")).join();
 *     client.presence().subscribe((username, isLoggedIn) -> System.out.println(username + " " + isLoggedIn));
 *     List<String> online = client.presence().getAll().join();
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> All I/O and state live on one internal thread, which never runs user code.
 * Callbacks, listeners and the completion of returned futures run on the callback executor: by
 * default one thread of the client's own (so callbacks arrive in order, one at a time), or the
 * executor given to the builder. A callback that throws is logged and does not affect the client.
 *
 * <p><b>Connection.</b> {@code login} connects. When the connection drops, the client reconnects
 * by itself with a bounded exponential backoff (each delay at random in the upper half of its
 * step, so that clients dropped together do not return together), moving to the next URL of its
 * list each time (the first one tried is chosen at random), logs in again with the same data, and
 * re-sends its subscriptions (at most 1,000 names a request). Queries waiting for an answer
 * when it drops fail with {@link PresenceException.ConnectionLost}; calls made while offline wait
 * up to the offline timeout, then fail with {@link PresenceException.ClientOffline}.
 */
public interface PresenceClient extends AutoCloseable {

    static Builder builder() {
        return new Builder();
    }

    /** Logs in with {@code authData} (e.g. {@code Map.of("username", "Alex")}); connects first. */
    CompletableFuture<LoginResult> login(Map<String, ?> authData);

    /** Logs in anonymously: authenticated, able to subscribe and query, never shown in presence. */
    CompletableFuture<LoginResult> login();

    void login(Map<String, ?> authData, ResultCallback<LoginResult> callback);

    Presence presence();

    ConnectionState state();

    /** Adds a listener from now on, after the builder's; it hears changes and errors from then on. */
    void addConnectionListener(ConnectionListener listener);

    void removeConnectionListener(ConnectionListener listener);

    /** Closes the connection; pending calls fail with {@link PresenceException.ClientClosed}. */
    @Override
    void close();

    /** Builds a client; every setter checks its argument at once. */
    final class Builder {
        private final List<URI> urls = new ArrayList<>();
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration reconnectMinDelay = Duration.ofMillis(100);
        private Duration reconnectMaxDelay = Duration.ofSeconds(5);
        private Duration offlineTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Executor callbackExecutor;
        private ConnectionListener connectionListener = new ConnectionListener() { };
        private SSLContext sslContext;
        private boolean firstUrlFirst;

        private Builder() {
        }

        /** A node to connect to: {@code host:port}, {@code ws://host:port} or a full endpoint URL. */
        public Builder url(String url) {
            urls.add(toEndpoint(url));
            return this;
        }

        /** Several nodes, tried in turn on each reconnection. */
        public Builder urls(List<String> nodes) {
            Objects.requireNonNull(nodes, "urls");
            nodes.forEach(this::url);
            return this;
        }

        /**
         * Connects to the first URL first, the others being fallbacks. By default the first URL
         * tried is one at random, so that the clients of one list spread over its nodes.
         */
        public Builder firstUrlFirst() {
            firstUrlFirst = true;
            return this;
        }

        public Builder heartbeatInterval(Duration interval) {
            heartbeatInterval = positive(interval, "heartbeatInterval");
            return this;
        }

        public Builder reconnectDelay(Duration min, Duration max) {
            reconnectMinDelay = positive(min, "min");
            reconnectMaxDelay = positive(max, "max");
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("max reconnect delay must not be below the min");
            }
            return this;
        }

        public Builder offlineTimeout(Duration timeout) {
            offlineTimeout = positive(timeout, "offlineTimeout");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** Where callbacks, listeners and future completions run; see the class comment. */
        public Builder callbackExecutor(Executor executor) {
            callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
            return this;
        }

        public Builder connectionListener(ConnectionListener listener) {
            connectionListener = Objects.requireNonNull(listener, "connectionListener");
            return this;
        }

        /**
         * The TLS setup for {@code wss://} URLs, e.g. one trusting a private CA or presenting a
         * client certificate; by default the JDK's, which trusts the usual public CAs.
         */
        public Builder sslContext(SSLContext context) {
            sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        public PresenceClient build() {
            if (urls.isEmpty()) {
                throw new IllegalStateException("give at least one url");
            }
            return RealPresenceClient.create(new RealPresenceClient.Settings(List.copyOf(urls), firstUrlFirst, heartbeatInterval,
                    reconnectMinDelay, reconnectMaxDelay, offlineTimeout, requestTimeout), sslContext, callbackExecutor, connectionListener);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }

        static URI toEndpoint(String url) {
            Objects.requireNonNull(url, "url");
            String u = url.contains("://") ? url : "ws://" + url;
            URI uri = URI.create(u);
            if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
                throw new IllegalArgumentException("only ws:// and wss:// urls: " + url);
            }
            if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
                uri = uri.resolve("/deepstream");
            }
            return uri;
        }
    }
}
