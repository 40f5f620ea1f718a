package io.presence.client.internal;

import io.presence.client.ConnectionChange;
import io.presence.client.ConnectionListener;
import io.presence.client.ConnectionState;
import io.presence.client.LoginResult;
import io.presence.client.Presence;
import io.presence.client.PresenceCallback;
import io.presence.client.PresenceClient;
import io.presence.client.PresenceException;
import io.presence.client.ResultCallback;
import io.presence.protocol.JsonText;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The client's public API over its parts: a {@link ClientConnection} and its {@link ClientLogin},
 * {@link ClientSubscriptions}, {@link PendingQueries} and the {@link OfflineQueue}, which
 * {@link ServerMessages} keeps up to date. The parts are confined to the {@link Loop}; public
 * methods check their arguments on the caller's thread and hop onto it. User code only ever runs
 * through {@link Callbacks}.
 */
public final class RealPresenceClient implements PresenceClient, Presence {

    /** System.Logger: routes to whatever logging the application uses (SLF4J, Log4j, JUL). */
    private static final System.Logger LOG = System.getLogger(RealPresenceClient.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** How the builder's settings reach the client. */
    public record Settings(List<URI> urls, boolean firstUrlFirst, Duration heartbeatInterval, Duration reconnectMinDelay,
                           Duration reconnectMaxDelay, Duration offlineTimeout, Duration requestTimeout) {
    }

    private final Settings settings;
    private final Loop loop;
    private final Callbacks callbacks;
    private final ExecutorService ownCallbackThread;
    private final ConnectionListeners listeners;
    private final ClientConnection connection;
    private final ClientSubscriptions subscriptions;
    private final PendingQueries queries;
    private final OfflineQueue offline;

    private final ClientLogin login;

    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private int nextCorrelationId;

    /** A client on its own threads and the JDK's WebSocket client; {@code callbackExecutor} may be null. */
    /** @param sslContext for wss:// URLs; null for the JDK's default */
    public static RealPresenceClient create(Settings settings, SSLContext sslContext, Executor callbackExecutor,
                                            ConnectionListener listener) {
        int id = INSTANCES.incrementAndGet();
        ExecutorService own = callbackExecutor == null
                ? Executors.newSingleThreadExecutor(daemon("presence-client-" + id + "-callbacks")) : null;
        return new RealPresenceClient(settings, new ThreadLoop("presence-client-" + id + "-io"),
                WebSocketTransport.jdk(sslContext), callbackExecutor == null ? own : callbackExecutor, own, listener,
                new SplittableRandom());
    }

    RealPresenceClient(Settings settings, Loop loop, Transport transport, Executor callbackExecutor,
                       ExecutorService ownCallbackThread, ConnectionListener listener, RandomGenerator random) {
        this.settings = settings;
        this.loop = loop;
        this.callbacks = new Callbacks(callbackExecutor);
        this.ownCallbackThread = ownCallbackThread;
        this.listeners = new ConnectionListeners(listener);
        this.subscriptions = new ClientSubscriptions(this::correlationId);
        this.queries = new PendingQueries(loop, settings.requestTimeout().toMillis(), callbacks);
        this.offline = new OfflineQueue(loop, settings.offlineTimeout().toMillis(), callbacks);
        this.connection = new ClientConnection(settings.urls(), settings.firstUrlFirst(), transport, loop,
                settings.heartbeatInterval(), settings.reconnectMinDelay(), settings.reconnectMaxDelay(), random);
        this.login = new ClientLogin(connection, loop, callbacks, settings.offlineTimeout());
        connection.start(new ServerMessages(connection, login, subscriptions, queries, offline, callbacks,
                listeners, this::setState));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    // ---------------------------------------------------------------- login and connection

    @Override
    public CompletableFuture<LoginResult> login(Map<String, ?> authData) {
        Objects.requireNonNull(authData, "authData");
        String json = JsonText.write(authData);
        CompletableFuture<LoginResult> result = new CompletableFuture<>();
        onLoop(result, () -> login.start(json, result));
        return result;
    }

    @Override
    public CompletableFuture<LoginResult> login() {
        return login(Map.of());
    }

    @Override
    public void login(Map<String, ?> authData, ResultCallback<LoginResult> callback) {
        Objects.requireNonNull(callback, "callback");
        deliverTo(callback, login(authData));
    }

    /** @param next the new state, or null to stay where it is (a failed attempt, told with its reason) */
    private void setState(ConnectionState next, String reason, long nextAttemptInMillis) {
        ConnectionState previous = state;
        ConnectionState current = next == null ? previous : next;
        if (previous == ConnectionState.CLOSED || (previous == current && reason == null)) {
            return;
        }
        state = current;
        ConnectionChange change = new ConnectionChange(previous, current, Optional.ofNullable(reason),
                nextAttemptInMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(nextAttemptInMillis)));
        callbacks.run(() -> listeners.onChange(change));
    }

    @Override
    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeConnectionListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public void subscribe(PresenceCallback callback) {
        Objects.requireNonNull(callback, "callback");
        changeSubscriptions(() -> subscriptions.subscribe(callback));
    }

    @Override
    public void subscribe(String username, PresenceCallback callback) {
        checkName(username);
        Objects.requireNonNull(callback, "callback");
        changeSubscriptions(() -> subscriptions.subscribe(username, callback));
    }

    @Override
    public void unsubscribe() {
        changeSubscriptions(subscriptions::unsubscribe);
    }

    @Override
    public void unsubscribe(PresenceCallback callback) {
        Objects.requireNonNull(callback, "callback");
        changeSubscriptions(() -> subscriptions.unsubscribe(callback));
    }

    @Override
    public void unsubscribe(String username) {
        checkName(username);
        changeSubscriptions(() -> subscriptions.unsubscribe(username));
    }

    @Override
    public void unsubscribe(String username, PresenceCallback callback) {
        checkName(username);
        Objects.requireNonNull(callback, "callback");
        changeSubscriptions(() -> subscriptions.unsubscribe(username, callback));
    }

    /** Applies a change on the loop; the server hears of it now if logged in, else on the next login. */
    private void changeSubscriptions(Supplier<List<PresenceMessage>> change) {
        try {
            loop.execute(() -> {
                List<PresenceMessage> requests = change.get();
                if (login.isLoggedIn()) {
                    requests.forEach(connection::send);
                }
            });
        } catch (RejectedExecutionException closed) {
            LOG.log(System.Logger.Level.DEBUG, "client closed; subscription change dropped");
        }
    }

    // ---------------------------------------------------------------- queries

    @Override
    public CompletableFuture<List<String>> getAll() {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        onLoop(answer, () -> whenLoggedIn(answer, () -> {
            String id = correlationId();
            queries.track(id, true, answer);
            connection.send(PresenceMessage.request(Action.QUERY_ALL, id, List.of()));
        }));
        @SuppressWarnings("unchecked")
        CompletableFuture<List<String>> typed = answer.thenApply(a -> (List<String>) a);
        return typed;
    }

    @Override
    public CompletableFuture<Map<String, Boolean>> getAll(List<String> usernames) {
        Objects.requireNonNull(usernames, "usernames");
        if (usernames.isEmpty()) {
            throw new IllegalArgumentException("usernames must not be empty; use getAll() for everyone");
        }
        usernames.forEach(RealPresenceClient::checkName);
        List<String> names = List.copyOf(usernames);
        CompletableFuture<Object> answer = new CompletableFuture<>();
        onLoop(answer, () -> whenLoggedIn(answer, () -> {
            String id = correlationId();
            queries.track(id, false, answer);
            connection.send(PresenceMessage.request(Action.QUERY, id, names));
        }));
        @SuppressWarnings("unchecked")
        CompletableFuture<Map<String, Boolean>> typed = answer.thenApply(a -> (Map<String, Boolean>) a);
        return typed;
    }

    @Override
    public void getAll(ResultCallback<List<String>> callback) {
        Objects.requireNonNull(callback, "callback");
        deliverTo(callback, getAll());
    }

    @Override
    public void getAll(List<String> usernames, ResultCallback<Map<String, Boolean>> callback) {
        Objects.requireNonNull(callback, "callback");
        deliverTo(callback, getAll(usernames));
    }

    /** Runs {@code send} now when logged in, else queues it until login or the offline timeout. */
    private void whenLoggedIn(CompletableFuture<?> result, Runnable send) {
        if (login.isLoggedIn()) {
            send.run();
        } else if (!login.wanted()) {
            callbacks.fail(result, new PresenceException.ClientOffline("log in first"));
        } else {
            offline.add(send, result);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private String correlationId() {
        return String.valueOf(nextCorrelationId++);
    }

    private static void checkName(String username) {
        Objects.requireNonNull(username, "username");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("username must not be empty");
        }
    }

    /** Runs {@code task} on the loop, failing {@code result} at once when the client is closed. */
    private void onLoop(CompletableFuture<?> result, Runnable task) {
        if (state == ConnectionState.CLOSED) {
            result.completeExceptionally(new PresenceException.ClientClosed("the client is closed"));
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closed) {
            result.completeExceptionally(new PresenceException.ClientClosed("the client is closed"));
        }
    }

    private static <T> void deliverTo(ResultCallback<T> callback, CompletableFuture<T> future) {
        future.whenComplete((result, failure) -> Callbacks.safely(() -> callback.onResult(failure == null ? null : unwrap(failure), result)));
    }

    private static PresenceException unwrap(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof PresenceException p ? p : new PresenceException(cause.toString(), cause);
    }

    @Override
    public Presence presence() {
        return this;
    }

    /**
     * Fails what is pending, closes the connection, then stops the loop (dropping its timers) and
     * the callback thread of the client's own once what it was handed has run.
     */
    @Override
    public void close() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        onLoop(closed, () -> {
            PresenceException error = new PresenceException.ClientClosed("the client was closed");
            queries.failAll(error);
            offline.failAll(error);
            login.close(error);
            connection.close();
            setState(ConnectionState.CLOSED, "closed by the application", -1);
            closed.complete(null);
        });
        closed.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        loop.shutdown();
        if (ownCallbackThread != null) {
            ownCallbackThread.shutdown();
        }
    }
}
