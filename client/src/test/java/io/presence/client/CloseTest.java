package io.presence.client;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A closed client leaves nothing running behind it. */
@Tag("unit")
class CloseTest {

    /** Runs callbacks at once and counts those handed over after close returned. */
    private static final class CountingExecutor implements Executor {
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicInteger afterClose = new AtomicInteger();

        @Override
        public void execute(Runnable task) {
            if (closed.get()) {
                afterClose.incrementAndGet();
            }
            task.run();
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Set<Thread> clientThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("presence-client-") && t.isAlive()) {
                threads.add(t);
            }
        }
        return threads;
    }

    @Test
    void closeEndsTheClientsThreadAtOnceAndHandsNothingToCallbacksAfterwards() throws Exception {
        Set<Thread> before = clientThreads();
        CountingExecutor callbacks = new CountingExecutor();
        PresenceClient client = PresenceClient.builder()
                .url("127.0.0.1:" + closedPort())
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200))
                .callbackExecutor(callbacks)
                .build();
        // nobody listens there: the login waits (its offline timer: 10 s), reconnecting meanwhile
        CompletableFuture<LoginResult> login = client.login(Map.of("username", "closer"));
        CompletableFuture<List<String>> query = client.presence().getAll();
        Set<Thread> mine = clientThreads();
        mine.removeAll(before);
        assertFalse(mine.isEmpty(), "the client runs a thread of its own");

        client.close();
        callbacks.closed.set(true);

        CompletionException failed = assertThrows(CompletionException.class, login::join);
        assertInstanceOf(PresenceException.ClientClosed.class, failed.getCause());
        assertInstanceOf(PresenceException.ClientClosed.class, assertThrows(CompletionException.class, query::join).getCause());
        await().atMost(Duration.ofSeconds(1)).until(() -> mine.stream().noneMatch(Thread::isAlive));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> callbacks.afterClose.get() == 0);
        assertEquals(ConnectionState.CLOSED, client.state());
    }
}
