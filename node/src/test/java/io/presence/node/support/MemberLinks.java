package io.presence.node.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The links between Hazelcast members, each through a relay that can cut it: a network split on
 * loopback, without root. Member {@code i} binds Hazelcast to its own loopback address
 * ({@link #bindAddress}) and tells the others to reach it at its relay ({@link #publicAddress});
 * its own connections leave from ports of its own ({@link #outboundPorts}: Hazelcast binds them to
 * its public address, the same for all), so a relay knows which member each connection comes from.
 * {@link #isolate} stops every byte between one member and the rest, both ways, on the
 * connections already open (they stay open and go silent), and closes at once those opened
 * across it (as a network that answers "unreachable"), while every client still reaches every
 * node: a split as the members see it, the way a proxy such as Toxiproxy cuts one.
 */
public final class MemberLinks implements AutoCloseable {

    /** Hazelcast's port on each member's own address. */
    static final int MEMBER_PORT = 5951;
    /** Below Linux's ephemeral ports (32768 up): a client's connection through a relay is never taken for a member's. */
    private static final int FIRST_OUTBOUND_PORT = 31000;
    private static final int OUTBOUND_PORTS = 100;

    private final Vertx vertx = Vertx.vertx();
    private final NetClient client = vertx.createNetClient();
    private final List<NetServer> relays = new ArrayList<>();
    private final List<Link> links = new CopyOnWriteArrayList<>();
    /** The member cut off from the others; -1: none. */
    private volatile int isolated = -1;

    /** One relay per member, each on a free port of 127.0.0.1. */
    public MemberLinks(int members) {
        for (int i = 0; i < members; i++) {
            int member = i;
            NetServer relay = vertx.createNetServer().connectHandler(in -> accept(member, in));
            relay.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
            relays.add(relay);
        }
    }

    /** The loopback address member {@code index} binds Hazelcast to, and its connections leave from. */
    public static String bindAddress(int index) {
        return "127.0.0." + (11 + index);
    }

    /** Where the others reach member {@code index}: its relay. */
    public String publicAddress(int index) {
        return "127.0.0.1:" + relays.get(index).actualPort();
    }

    /** The member list every member is given: every relay. */
    public String memberList() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < relays.size(); i++) {
            all.add(publicAddress(i));
        }
        return String.join(",", all);
    }

    /** The JVM options that put member {@code index} behind its relay. */
    public List<String> jvmOptions(int index) {
        return List.of("-Dhazelcast.local.localAddress=" + bindAddress(index),
                "-Dhazelcast.local.publicAddress=" + publicAddress(index));
    }

    /** The local ports member {@code index}'s connections to other members leave from (Hazelcast's outbound ports). */
    public static String outboundPorts(int index) {
        int first = FIRST_OUTBOUND_PORT + OUTBOUND_PORTS * index;
        return first + "-" + (first + OUTBOUND_PORTS - 1);
    }

    /**
     * Hazelcast's configuration for member {@code index}: {@code packed} (the node's own YAML)
     * with its outbound ports added to the network section.
     */
    public static String config(String packed, int index) {
        String network = "\n  network:\n";
        if (!packed.contains(network)) {
            throw new IllegalArgumentException("no network section in the Hazelcast YAML");
        }
        return packed.replace(network, network + "    outbound-ports:\n      - " + outboundPorts(index) + "\n");
    }

    /** Cuts member {@code index} off from every other member, both ways, until {@link #heal}. */
    public void isolate(int index) {
        isolated = index;
        links.forEach(Link::update);
    }

    /** Lets every link carry bytes again. */
    public void heal() {
        isolated = -1;
        links.forEach(Link::update);
    }

    private boolean cut(int from, int to) {
        int cutOff = isolated;
        return cutOff >= 0 && from >= 0 && from != to && (from == cutOff || to == cutOff);
    }

    private void accept(int to, NetSocket in) {
        in.pause();
        int from = memberAt(in.remoteAddress().port());
        if (cut(from, to)) {
            // a new connection across the cut fails at once, as on a network that answers "unreachable"
            in.close();
            return;
        }
        Link link = new Link(from, to, in);
        links.add(link);
        in.closeHandler(v -> link.close());
        client.connect(MEMBER_PORT, bindAddress(to)).onComplete(connected -> {
            if (connected.failed()) {
                link.close();
                return;
            }
            link.connected(connected.result());
        });
    }

    /** Which member a connection comes from, by its source port; -1: not a member. */
    private int memberAt(int port) {
        int member = (port - FIRST_OUTBOUND_PORT) / OUTBOUND_PORTS;
        return port >= FIRST_OUTBOUND_PORT && member < relays.size() ? member : -1;
    }

    /** One connection through a relay: from a member (or a client) to member {@code to}. */
    private final class Link {
        private final int from;
        private final int to;
        private final NetSocket in;
        private volatile NetSocket out;
        private volatile boolean closed;

        Link(int from, int to, NetSocket in) {
            this.from = from;
            this.to = to;
            this.in = in;
        }

        void connected(NetSocket socket) {
            out = socket;
            if (closed) {
                socket.close();
                return;
            }
            out.closeHandler(v -> close());
            forward(in, out);
            forward(out, in);
            update();
        }

        /** Copies {@code source} to {@code target}, reading only while the target keeps up and the link is not cut. */
        private void forward(NetSocket source, NetSocket target) {
            source.handler((Buffer bytes) -> {
                target.write(bytes);
                if (target.writeQueueFull()) {
                    source.pause();
                    target.drainHandler(v -> {
                        if (!cut(from, to) && !closed) {
                            source.resume();
                        }
                    });
                }
            });
        }

        /** Pauses both sides while the link is cut, resumes them when it is not. */
        void update() {
            NetSocket o = out;
            if (o == null || closed) {
                return;
            }
            vertx.runOnContext(v -> {
                if (cut(from, to)) {
                    in.pause();
                    o.pause();
                } else {
                    in.resume();
                    o.resume();
                }
            });
        }

        void close() {
            closed = true;
            links.remove(this);
            in.close();
            NetSocket o = out;
            if (o != null) {
                o.close();
            }
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
