package io.presence.node.support;

import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.codec.BinaryCodec;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client that logs in, then stops reading its socket without closing it, as a client whose
 * process froze or whose network vanished would: it answers nothing, not even WebSocket pings.
 * Speaks just enough WebSocket over a plain socket for that, since library clients answer pings
 * by themselves.
 */
public final class VanishingClient {

    private static final BinaryCodec CODEC = new BinaryCodec();
    private final Socket socket;

    private VanishingClient(Socket socket) {
        this.socket = socket;
    }

    public static VanishingClient loggedIn(int port, String username) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            out.write(("GET /deepstream HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            skipHeaders(in);
            sendFrame(out, CODEC.encode(ConnectionMessage.challenge("ws://127.0.0.1", "0.1a", "test", "vanishing")));
            expect(in, m -> m instanceof ConnectionMessage c && c.action() == ConnectionMessage.Action.ACCEPT);
            sendFrame(out, CODEC.encode(AuthMessage.of(AuthMessage.Action.REQUEST, "{\"username\":\"" + username + "\"}")));
            expect(in, m -> m instanceof AuthMessage a && a.action() == AuthMessage.Action.AUTH_SUCCESSFUL);
            return new VanishingClient(socket);
        } catch (IOException | DecodeException e) {
            throw new IllegalStateException("could not log in " + username, e);
        }
    }

    private static void skipHeaders(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static void sendFrame(OutputStream out, byte[] payload) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.write(0x82); // FIN, binary
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        }
        out.write(mask);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= mask[i % 4];
        }
        out.write(masked);
        out.flush();
    }

    private static void expect(DataInputStream in, java.util.function.Predicate<Message> wanted) throws IOException, DecodeException {
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0f;
            int length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (opcode == 0x2 && wanted.test(CODEC.decode(payload))) {
                return;
            }
        }
    }

    /**
     * A QUERY about {@code names} made-up users, 16 bytes each on the wire (14 characters and
     * their framing): its answer is about as large, so a few make the node write a lot.
     */
    public static PresenceMessage bigQuestion(String correlationId, int names) {
        List<String> asked = new ArrayList<>(names);
        for (int i = 0; i < names; i++) {
            asked.add("somebody-" + (10_000 + i));
        }
        return PresenceMessage.request(PresenceMessage.Action.QUERY, correlationId, asked);
    }

    /**
     * Sends {@code message} without reading anything; false once the node has dropped the
     * connection (the write fails).
     */
    public boolean sendUnread(Message message) {
        try {
            sendFrame(socket.getOutputStream(), CODEC.encode(message));
            return true;
        } catch (IOException gone) {
            return false;
        }
    }

    /** Drops the TCP connection, for clean-up. */
    public void abort() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
