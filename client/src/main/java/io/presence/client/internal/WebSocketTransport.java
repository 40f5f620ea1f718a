package io.presence.client.internal;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection on the JDK's client, carrying whole binary messages. Sends are
 * chained, since the JDK allows one outstanding send at a time.
 */
final class WebSocketTransport implements Transport.Socket {

    private final WebSocket socket;
    private CompletableFuture<WebSocket> lastSend;

    private WebSocketTransport(WebSocket socket) {
        this.socket = socket;
        this.lastSend = CompletableFuture.completedFuture(socket);
    }

    /** Connections on one JDK HTTP client of their own; {@code sslContext} null for the JDK's default. */
    static Transport jdk(SSLContext sslContext) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        HttpClient http = builder.build();
        return (uri, handler) -> open(http, uri, handler);
    }

    private static CompletableFuture<Transport.Socket> open(HttpClient http, URI uri, Transport.Handler handler) {
        return http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener(handler))
                .thenApply(WebSocketTransport::new);
    }

    @Override
    public synchronized void send(byte[] frame) {
        lastSend = lastSend.thenCompose(ws -> ws.sendBinary(ByteBuffer.wrap(frame), true));
    }

    @Override
    public synchronized void close() {
        lastSend.thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "client closing"))
                .orTimeout(2, TimeUnit.SECONDS)
                .whenComplete((ws, e) -> socket.abort());
    }

    @Override
    public void abort() {
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final Transport.Handler handler;
        private ByteArrayOutputStream partial;

        Listener(Transport.Handler handler) {
            this.handler = handler;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            if (last && partial == null) {
                handler.onFrame(chunk);
            } else {
                if (partial == null) {
                    partial = new ByteArrayOutputStream();
                }
                partial.writeBytes(chunk);
                if (last) {
                    handler.onFrame(partial.toByteArray());
                    partial = null;
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            // the binary endpoint never sends text; skip it rather than guess
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            handler.onClosed(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            handler.onError(error);
        }
    }
}
