package io.presence.client.internal;

import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.codec.BinaryCodec;

import java.net.ConnectException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The other end of the client's connections, in memory: records every connection opened (and
 * when, on the fake clock), answers the login conversation when told to, and can refuse
 * connections, fall silent or close.
 */
final class FakeServer implements Transport {

    private static final BinaryCodec CODEC = new BinaryCodec();

    /** One accepted connection, seen from the server. */
    final class Conn implements Transport.Socket {
        final URI url;
        final Transport.Handler handler;
        final List<Message> received = new ArrayList<>();
        boolean closed;

        Conn(URI url, Transport.Handler handler) {
            this.url = url;
            this.handler = handler;
        }

        @Override
        public void send(byte[] frame) {
            if (closed) {
                return;
            }
            Message m;
            try {
                m = CODEC.decode(frame);
            } catch (DecodeException e) {
                throw new IllegalStateException("the client sent an undecodable frame", e);
            }
            received.add(m);
            if (!answering) {
                return;
            }
            if (m instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.CHALLENGE) {
                reply(ConnectionMessage.of(ConnectionMessage.Action.ACCEPT));
            } else if (m instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.PING) {
                reply(ConnectionMessage.of(ConnectionMessage.Action.PONG));
            } else if (m instanceof AuthMessage a && a.action() == AuthMessage.Action.REQUEST) {
                reply(AuthMessage.of(AuthMessage.Action.AUTH_SUCCESSFUL, null));
            }
        }

        void reply(Message message) {
            handler.onFrame(CODEC.encode(message));
        }

        long count(ConnectionMessage.Action action) {
            return received.stream().filter(m -> m instanceof ConnectionMessage c && c.action() == action).count();
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void abort() {
            closed = true;
        }
    }

    /** When and where the client tried to connect. */
    record Attempt(long at, URI url) {
    }

    private final FakeLoop loop;
    final List<Attempt> attempts = new ArrayList<>();
    final List<Conn> connections = new ArrayList<>();
    boolean refusing;
    boolean answering = true;

    FakeServer(FakeLoop loop) {
        this.loop = loop;
    }

    @Override
    public CompletableFuture<Socket> open(URI uri, Handler handler) {
        attempts.add(new Attempt(loop.now(), uri));
        if (refusing) {
            return CompletableFuture.failedFuture(new ConnectException("connection refused"));
        }
        Conn conn = new Conn(uri, handler);
        connections.add(conn);
        return CompletableFuture.completedFuture(conn);
    }

    Conn last() {
        return connections.get(connections.size() - 1);
    }
}
