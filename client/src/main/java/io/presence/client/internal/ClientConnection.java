package io.presence.client.internal;

import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.codec.BinaryCodec;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.concurrent.RejectedExecutionException;

/**
 * The connection to one node at a time: opens it, notices when it is lost (closed, failed, or
 * silent for two heartbeat intervals), and opens the next one after a backoff that doubles from
 * the minimum delay to the maximum (jittered), moving along the URL list from a random start. Speaks protobuf frames. Confined
 * to the loop; every connection gets a generation, so events of an older one are ignored.
 */
final class ClientConnection {

    /** What the client hears; always on the loop. */
    interface Events {
        /** A new connection is open: time for CHALLENGE. */
        void opened(URI url);

        void received(Message message);

        void unreadable(DecodeException error);

        /** The connection is gone; {@link #reconnectLater()} if another is wanted. */
        void lost(String why);
    }

    private final List<URI> urls;
    private final RandomGenerator random;
    private final Transport transport;
    private final Loop loop;
    private final long heartbeatMillis;
    private final long minDelayMillis;
    private final long maxDelayMillis;
    private Events events;
    private final BinaryCodec codec = new BinaryCodec();

    private Transport.Socket socket;
    private int generation;
    private boolean opening;
    private boolean closed;
    private int urlIndex;
    private int attempt;
    private long lastReceivedAt;
    private Loop.Timer heartbeat;

    /**
     * @param firstUrlFirst start at the first URL rather than at one chosen by {@code random}
     * @param random        where the first URL and each backoff's jitter come from: clients that
     *                      lose the same node must not all reconnect to the same survivor at once
     */
    ClientConnection(List<URI> urls, boolean firstUrlFirst, Transport transport, Loop loop, Duration heartbeatInterval,
                     Duration minDelay, Duration maxDelay, RandomGenerator random) {
        this.urls = urls;
        this.random = random;
        this.urlIndex = firstUrlFirst ? 0 : random.nextInt(urls.size());
        this.transport = transport;
        this.loop = loop;
        this.heartbeatMillis = heartbeatInterval.toMillis();
        this.minDelayMillis = minDelay.toMillis();
        this.maxDelayMillis = maxDelay.toMillis();
    }

    /** Where events go from now on; starts the heartbeat. Called once, before {@link #open()}. */
    void start(Events events) {
        this.events = events;
        this.heartbeat = loop.schedule(heartbeatMillis, this::beat);
    }

    boolean isOpen() {
        return socket != null;
    }

    /** Opens a connection to the current URL, unless one is open or opening. */
    void open() {
        if (closed || socket != null || opening) {
            return;
        }
        int gen = ++generation;
        opening = true;
        URI url = urls.get(urlIndex);
        transport.open(url, new Transport.Handler() {
            @Override
            public void onFrame(byte[] frame) {
                onLoop(() -> received(gen, frame));
            }

            @Override
            public void onClosed(int status, String reason) {
                onLoop(() -> lost(gen, "closed by the server (" + status + " " + reason + ")"));
            }

            @Override
            public void onError(Throwable error) {
                onLoop(() -> lost(gen, "failed: " + error));
            }
        }).whenComplete((opened, failure) -> onLoop(() -> opened(gen, url, opened, failure)));
    }

    /** From the transport's threads; once the client is closed there is nothing left to tell. */
    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closed) {
            // closed meanwhile
        }
    }

    private void opened(int gen, URI url, Transport.Socket opened, Throwable failure) {
        if (gen != generation) {
            if (opened != null) {
                opened.abort();
            }
            return;
        }
        opening = false;
        if (failure != null) {
            lost(gen, "cannot connect to " + url + ": " + failure.getMessage());
            return;
        }
        socket = opened;
        lastReceivedAt = loop.nowMillis();
        events.opened(url);
    }

    void send(Message message) {
        if (socket != null) {
            socket.send(codec.encode(message));
        }
    }

    private void received(int gen, byte[] frame) {
        if (gen != generation) {
            return;
        }
        lastReceivedAt = loop.nowMillis();
        Message message;
        try {
            message = codec.decode(frame);
        } catch (DecodeException e) {
            events.unreadable(e);
            return;
        }
        events.received(message);
    }

    /** Gives up the current connection (e.g. the server refused it), as if it was lost. */
    void drop(String why) {
        lost(generation, why);
    }

    private void lost(int gen, String why) {
        if (gen != generation || closed) {
            return;
        }
        generation++;
        opening = false;
        if (socket != null) {
            socket.abort();
            socket = null;
        }
        events.lost(why);
    }

    /**
     * Opens the next URL's connection after the backoff, which doubles with each attempt; each
     * delay is taken at random from its upper half, so that clients dropped together spread out.
     * Returns that delay, in milliseconds.
     */
    long reconnectLater() {
        attempt++;
        urlIndex = (urlIndex + 1) % urls.size();
        long backoff = Math.min(maxDelayMillis, minDelayMillis << Math.min(20, attempt - 1));
        long delay = backoff - random.nextLong(backoff / 2 + 1);
        int scheduledFor = generation;
        loop.schedule(delay, () -> {
            if (scheduledFor == generation) {
                open();
            }
        });
        return delay;
    }

    /** Logged in on this connection: the next loss starts the backoff from the minimum again. */
    void established() {
        attempt = 0;
    }

    private void beat() {
        if (closed) {
            return;
        }
        heartbeat = loop.schedule(heartbeatMillis, this::beat);
        if (socket == null) {
            return;
        }
        long silentFor = loop.nowMillis() - lastReceivedAt;
        if (silentFor > 2 * heartbeatMillis) {
            lost(generation, "silent for " + silentFor + " ms (heartbeat)");
        } else {
            send(ConnectionMessage.of(ConnectionMessage.Action.PING));
        }
    }

    /** Closes the connection for good, with a close frame. */
    void close() {
        closed = true;
        generation++;
        heartbeat.cancel();
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
