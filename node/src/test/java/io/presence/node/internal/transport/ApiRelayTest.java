package io.presence.node.internal.transport;

import io.presence.node.support.TestClient;
import io.presence.node.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP requests on the node's port reach the HTTP server through the relay: keep-alive
 * connections carry several requests and their answers in order, and the server judges each
 * request by the caller's own address (here: a per-address limit that WebSockets from one
 * loopback address have used up refuses that address's API requests, and no other's).
 */
@Tag("in-jvm")
class ApiRelayTest {

    private static final String BUSY = "127.0.0.3";
    private static final String IDLE = "127.0.0.4";
    private static TestCluster cluster;
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void startNode() {
        cluster = TestCluster.start(1, Map.of("max.connections.per.address", "2"));
        port = cluster.node(0).port();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopNode() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        cluster.close();
    }

    @Test
    void oneConnectionCarriesSeveralRequestsAndTheirAnswersInOrder() throws IOException {
        try (Socket socket = socketFrom(IDLE)) {
            OutputStream out = socket.getOutputStream();
            String get = "GET /api/presence/count HTTP/1.1\r\nHost: x\r\n\r\n";
            String head = "HEAD /api/presence/count HTTP/1.1\r\nHost: x\r\n\r\n";
            String missing = "GET /no-such-page HTTP/1.1\r\nHost: x\r\n\r\n";
            // two written at once (pipelined), then one after the first answers
            out.write((get + head).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            Answer first = Answer.read(in, false);
            Answer second = Answer.read(in, true);
            out.write(missing.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Answer third = Answer.read(in, false);
            assertEquals(200, first.status());
            assertTrue(first.body().contains("\"count\""), first.body());
            // whatever the server answers a HEAD, no body follows, and the next answer is read whole
            assertEquals("", second.body(), "a HEAD answer has no body");
            assertEquals(404, third.status());
        }
    }

    @Test
    void requestsThatCannotBeParsedGetTheirStatusAndTheConnectionCloses() throws IOException {
        String longLine = "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        String longHeaders = "GET /api/presence/count HTTP/1.1\r\nHost: x\r\nX-Filler: " + "b".repeat(9000) + "\r\n\r\n";
        String garbage = "NOT HTTP AT ALL\r\n\r\n";
        assertEquals(414, once(longLine), "a request line over 4 KB");
        assertEquals(431, once(longHeaders), "headers over 8 KB");
        assertEquals(400, once(garbage), "not a request");
    }

    /** Sends {@code request} on a new connection; the status of the answer, after which the node closes it. */
    private static int once(String request) throws IOException {
        try (Socket socket = socketFrom(IDLE)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Answer answer = Answer.read(socket.getInputStream(), false);
            assertEquals(-1, socket.getInputStream().read(), "the connection is closed after the answer");
            return answer.status();
        }
    }

    @Test
    void theServerJudgesEachRequestByTheCallersOwnAddress() throws Exception {
        WebSocketClient busy = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(BUSY));
        List<TestClient> holding = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                holding.add(TestClient.connect(busy, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port),
                        TestClient.Endpoint.BINARY));
            }
            try (Socket fromBusy = socketFrom(BUSY); Socket fromIdle = socketFrom(IDLE)) {
                assertEquals(429, request(fromBusy).status(), "the busy address's third connection");
                assertEquals(200, request(fromIdle).status(), "another address");
            }
        } finally {
            holding.forEach(TestClient::close);
            busy.close();
        }
    }

    private static Answer request(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /api/presence/count HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return Answer.read(socket.getInputStream(), false);
    }

    private static Socket socketFrom(String address) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return socket;
    }

    /** One HTTP/1.1 answer with a content-length (what the node's server writes here). */
    private record Answer(int status, String body) {
        static Answer read(InputStream in, boolean head) throws IOException {
            String headers = readHeaders(in);
            int status = Integer.parseInt(headers.substring(9, 12));
            int length = 0;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            byte[] body = head ? new byte[0] : in.readNBytes(length);
            return new Answer(status, new String(body, StandardCharsets.UTF_8));
        }

        private static String readHeaders(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed after " + bytes.size() + " bytes: " + bytes);
                }
                bytes.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return bytes.toString(StandardCharsets.US_ASCII);
        }
    }
}
