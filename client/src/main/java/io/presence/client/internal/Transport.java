package io.presence.client.internal;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Opens WebSocket connections carrying whole binary messages; injectable for tests. */
interface Transport {

    /** What a connection reports; called on the transport's threads, so implementations hop onto the loop. */
    interface Handler {
        void onFrame(byte[] frame);

        void onClosed(int status, String reason);

        void onError(Throwable error);
    }

    /** One open connection. */
    interface Socket {
        /** Queues one binary message; a failure shows up as the handler's onError. */
        void send(byte[] frame);

        /** Sends a close frame, then drops the connection if the other side does not answer in time. */
        void close();

        /** Drops the connection at once, without a close frame. */
        void abort();
    }

    CompletableFuture<Socket> open(URI uri, Handler handler);
}
