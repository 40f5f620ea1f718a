package io.presence.client.internal;

import io.presence.client.ConnectionListener;
import io.presence.client.ConnectionState;
import io.presence.client.LoginResult;
import io.presence.client.Presence;
import io.presence.client.PresenceCallback;
import io.presence.client.PresenceClient;
import io.presence.client.PresenceException;
import io.presence.client.ResultCallback;
import io.presence.protocol.AuthMessage;
import io.presence.protocol.ConnectionMessage;
import io.presence.protocol.DecodeException;
import io.presence.protocol.JsonText;
import io.presence.protocol.Message;
import io.presence.protocol.ParserMessage;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.presence.protocol.codec.BinaryCodec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The client. Every field below the constructor's is confined to {@code loop}, one thread that
 * runs I/O events, timers and the state machine; public methods check their arguments on the
 * caller's thread and hop onto it. User code only ever runs on {@code callbacks}.
 */
public final class RealPresenceClient implements PresenceClient, Presence {

    private static final Logger LOG = Logger.getLogger(RealPresenceClient.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String SDK_VERSION = "0.1.0";

    private final List<URI> urls;
    private final Duration heartbeatInterval;
    private final Duration reconnectMinDelay;
    private final Duration reconnectMaxDelay;
    private final Duration offlineTimeout;
    private final Duration requestTimeout;
    private final Executor callbacks;
    private final ExecutorService ownCallbackThread;
    private final ConnectionListener listener;
    private final ScheduledExecutorService loop;
    private final HttpClient http;
    private final BinaryCodec codec = new BinaryCodec();

    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private WebSocketTransport transport;
    private int generation;
    private boolean opening;
    private boolean accepted;
    private boolean authenticated;
    private String authJson;
    private boolean everLoggedIn;
    private CompletableFuture<LoginResult> pendingLogin;
    private int urlIndex;
    private int attempt;
    private long lastReceivedAt;
    private int nextCorrelationId;
    private final Map<String, PendingQuery> pendingQueries = new HashMap<>();
    private final Deque<String> queryAllOrder = new ArrayDeque<>();
    private final Deque<QueuedRequest> offlineQueue = new ArrayDeque<>();
    private final List<PresenceCallback> everyone = new ArrayList<>();
    private final Map<String, List<PresenceCallback>> byName = new LinkedHashMap<>();

    private record PendingQuery(boolean all, CompletableFuture<Object> answer, ScheduledFuture<?> timeout) {
    }

    private record QueuedRequest(Runnable send, CompletableFuture<?> result) {
    }

    public RealPresenceClient(List<URI> urls, Duration heartbeatInterval, Duration reconnectMinDelay,
                              Duration reconnectMaxDelay, Duration offlineTimeout, Duration requestTimeout,
                              Executor callbackExecutor, ConnectionListener listener) {
        this.urls = urls;
        this.heartbeatInterval = heartbeatInterval;
        this.reconnectMinDelay = reconnectMinDelay;
        this.reconnectMaxDelay = reconnectMaxDelay;
        this.offlineTimeout = offlineTimeout;
        this.requestTimeout = requestTimeout;
        this.listener = listener;
        int id = INSTANCES.incrementAndGet();
        this.loop = Executors.newSingleThreadScheduledExecutor(daemon("presence-client-" + id + "-io"));
        if (callbackExecutor == null) {
            ownCallbackThread = Executors.newSingleThreadExecutor(daemon("presence-client-" + id + "-callbacks"));
            callbacks = ownCallbackThread;
        } else {
            ownCallbackThread = null;
            callbacks = callbackExecutor;
        }
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long beat = heartbeatInterval.toMillis();
        loop.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
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
        onLoop(result, () -> startLogin(json, result));
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

    private void startLogin(String json, CompletableFuture<LoginResult> result) {
        if (pendingLogin != null) {
            fail(pendingLogin, new PresenceException("superseded by a newer login"));
        }
        authJson = json;
        pendingLogin = result;
        loop.schedule(() -> {
            if (pendingLogin == result && !result.isDone()) {
                pendingLogin = null;
                fail(result, new PresenceException.ClientOffline("no connection to " + urls + " within " + offlineTimeout));
            }
        }, offlineTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (transport == null) {
            if (!opening) {
                openConnection();
            }
        } else if (accepted) {
            sendAuth();
        }
    }

    private void openConnection() {
        int gen = ++generation;
        opening = true;
        URI url = urls.get(urlIndex);
        WebSocketTransport.open(http, url, new WebSocketTransport.Handler() {
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
        }).whenComplete((opened, failure) -> onLoop(() -> {
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
            transport = opened;
            lastReceivedAt = System.currentTimeMillis();
            send(ConnectionMessage.challenge(url.toString(), "0.1a", SDK_VERSION, "java"));
        }));
    }

    private void sendAuth() {
        send(AuthMessage.of(AuthMessage.Action.REQUEST, authJson));
    }

    /** The connection {@code gen} is gone: fail what waited on it and schedule a reconnection. */
    private void lost(int gen, String why) {
        if (gen != generation || state == ConnectionState.CLOSED) {
            return;
        }
        LOG.fine(() -> "connection lost: " + why);
        generation++;
        opening = false;
        if (transport != null) {
            transport.abort();
            transport = null;
        }
        boolean wasConnected = authenticated;
        accepted = false;
        authenticated = false;
        failPendingQueries(new PresenceException.ConnectionLost("connection " + why));
        if (wasConnected) {
            setState(ConnectionState.RECONNECTING);
        }
        if (everLoggedIn || pendingLogin != null) {
            attempt++;
            urlIndex = (urlIndex + 1) % urls.size();
            long delay = Math.min(reconnectMaxDelay.toMillis(),
                    reconnectMinDelay.toMillis() << Math.min(20, attempt - 1));
            int scheduledFor = generation;
            loop.schedule(() -> {
                if (scheduledFor == generation && state != ConnectionState.CLOSED && transport == null && !opening) {
                    openConnection();
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeat() {
        if (transport == null) {
            return;
        }
        long silentFor = System.currentTimeMillis() - lastReceivedAt;
        if (silentFor > 2 * heartbeatInterval.toMillis()) {
            lost(generation, "silent for " + silentFor + " ms (heartbeat)");
        } else {
            send(ConnectionMessage.of(ConnectionMessage.Action.PING));
        }
    }

    private void setState(ConnectionState next) {
        if (state != next) {
            state = next;
            callbacks.execute(() -> safely(() -> listener.onStateChanged(next)));
        }
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    // ---------------------------------------------------------------- incoming messages

    private void received(int gen, byte[] frame) {
        if (gen != generation) {
            return;
        }
        lastReceivedAt = System.currentTimeMillis();
        Message message;
        try {
            message = codec.decode(frame);
        } catch (DecodeException e) {
            reportError(new PresenceException.ServerError("MESSAGE_PARSE_ERROR", "unreadable frame from server: " + e.getMessage()));
            return;
        }
        if (message instanceof PresenceMessage p) {
            presenceMessage(p);
        } else if (message instanceof ConnectionMessage c) {
            connectionMessage(c);
        } else if (message instanceof AuthMessage a) {
            authMessage(a);
        } else if (message instanceof ParserMessage p) {
            reportError(new PresenceException.ServerError(p.action().name(), String.valueOf(p.data())));
        }
    }

    private void connectionMessage(ConnectionMessage m) {
        switch (m.action()) {
            case ACCEPT -> {
                accepted = true;
                if (authJson != null) {
                    sendAuth();
                }
            }
            case PING -> send(ConnectionMessage.of(ConnectionMessage.Action.PONG));
            case PONG -> { }
            case REJECT, REDIRECT, AUTHENTICATION_TIMEOUT, INVALID_MESSAGE, ERROR -> {
                reportError(new PresenceException.ServerError(m.action().name(), String.valueOf(m.data())));
                if (m.action() == ConnectionMessage.Action.REJECT || m.action() == ConnectionMessage.Action.REDIRECT) {
                    lost(generation, "refused by the server: " + m.action());
                }
            }
            default -> { }
        }
    }

    private void authMessage(AuthMessage m) {
        switch (m.action()) {
            case AUTH_SUCCESSFUL -> {
                authenticated = true;
                everLoggedIn = true;
                attempt = 0;
                setState(ConnectionState.CONNECTED);
                if (pendingLogin != null) {
                    complete(pendingLogin, LoginResult.accepted(m.data()));
                    pendingLogin = null;
                }
                resubscribe();
                flushOfflineQueue();
            }
            case AUTH_UNSUCCESSFUL, TOO_MANY_AUTH_ATTEMPTS, INVALID_MESSAGE_DATA -> {
                LoginResult refused = LoginResult.refused(m.data());
                if (pendingLogin != null) {
                    complete(pendingLogin, refused);
                    pendingLogin = null;
                } else {
                    reportError(new PresenceException.ServerError(m.action().name(), "login refused: " + m.data()));
                }
                if (m.action() != AuthMessage.Action.AUTH_UNSUCCESSFUL) {
                    // the server closes now; reconnecting with the same data would only repeat this
                    authJson = null;
                    everLoggedIn = false;
                }
            }
            default -> reportError(new PresenceException.ServerError(m.action().name(), String.valueOf(m.data())));
        }
    }

    private void presenceMessage(PresenceMessage m) {
        if (m.isAck()) {
            return;
        }
        switch (m.action()) {
            case PRESENCE_JOIN_ALL -> notifyAll(List.copyOf(everyone), m.name(), true);
            case PRESENCE_LEAVE_ALL -> notifyAll(List.copyOf(everyone), m.name(), false);
            case PRESENCE_JOIN -> notifyAll(List.copyOf(byName.getOrDefault(m.name(), List.of())), m.name(), true);
            case PRESENCE_LEAVE -> notifyAll(List.copyOf(byName.getOrDefault(m.name(), List.of())), m.name(), false);
            case QUERY_ALL_RESPONSE -> answer(m.correlationId(), true, m.names());
            case QUERY_RESPONSE -> {
                try {
                    answer(m.correlationId(), false, QueryAnswers.parse(m.data()));
                } catch (IOException e) {
                    failQuery(m.correlationId(), false, new PresenceException.ServerError("QUERY_RESPONSE", e.getMessage()));
                }
            }
            case MULTIPLE_SUBSCRIPTIONS, NOT_SUBSCRIBED -> LOG.fine(() -> "server warning " + m);
            default -> {
                PresenceException error = new PresenceException.ServerError(m.action().name(), String.valueOf(m.data()));
                if (m.isError() && m.originalAction() == Action.QUERY_ALL.code()) {
                    failQuery(m.correlationId(), true, error);
                } else if (m.isError() && m.originalAction() == Action.QUERY.code()) {
                    failQuery(m.correlationId(), false, error);
                } else {
                    reportError(error);
                }
            }
        }
    }

    private void notifyAll(List<PresenceCallback> targets, String username, boolean loggedIn) {
        for (PresenceCallback callback : targets) {
            callbacks.execute(() -> safely(() -> callback.onPresenceChange(username, loggedIn)));
        }
    }

    private void reportError(PresenceException error) {
        LOG.log(Level.FINE, "reporting to the connection listener", error);
        callbacks.execute(() -> safely(() -> listener.onError(error)));
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public void subscribe(PresenceCallback callback) {
        Objects.requireNonNull(callback, "callback");
        onLoop(() -> {
            everyone.add(callback);
            if (everyone.size() == 1 && authenticated) {
                send(PresenceMessage.of(Action.SUBSCRIBE_ALL));
            }
        });
    }

    @Override
    public void subscribe(String username, PresenceCallback callback) {
        checkName(username);
        Objects.requireNonNull(callback, "callback");
        onLoop(() -> {
            List<PresenceCallback> list = byName.computeIfAbsent(username, n -> new ArrayList<>());
            list.add(callback);
            if (list.size() == 1 && authenticated) {
                send(PresenceMessage.request(Action.SUBSCRIBE, correlationId(), List.of(username)));
            }
        });
    }

    @Override
    public void unsubscribe() {
        onLoop(() -> {
            boolean hadEveryone = !everyone.isEmpty();
            List<String> names = List.copyOf(byName.keySet());
            everyone.clear();
            byName.clear();
            if (authenticated) {
                if (hadEveryone) {
                    send(PresenceMessage.of(Action.UNSUBSCRIBE_ALL));
                }
                if (!names.isEmpty()) {
                    send(PresenceMessage.request(Action.UNSUBSCRIBE, correlationId(), names));
                }
            }
        });
    }

    @Override
    public void unsubscribe(PresenceCallback callback) {
        Objects.requireNonNull(callback, "callback");
        onLoop(() -> {
            boolean hadEveryone = !everyone.isEmpty();
            everyone.removeIf(c -> c == callback);
            if (hadEveryone && everyone.isEmpty() && authenticated) {
                send(PresenceMessage.of(Action.UNSUBSCRIBE_ALL));
            }
            List<String> emptied = new ArrayList<>();
            for (Iterator<Map.Entry<String, List<PresenceCallback>>> it = byName.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, List<PresenceCallback>> e = it.next();
                if (e.getValue().removeIf(c -> c == callback) && e.getValue().isEmpty()) {
                    emptied.add(e.getKey());
                    it.remove();
                }
            }
            if (!emptied.isEmpty() && authenticated) {
                send(PresenceMessage.request(Action.UNSUBSCRIBE, correlationId(), emptied));
            }
        });
    }

    @Override
    public void unsubscribe(String username) {
        checkName(username);
        onLoop(() -> {
            if (byName.remove(username) != null && authenticated) {
                send(PresenceMessage.request(Action.UNSUBSCRIBE, correlationId(), List.of(username)));
            }
        });
    }

    @Override
    public void unsubscribe(String username, PresenceCallback callback) {
        checkName(username);
        Objects.requireNonNull(callback, "callback");
        onLoop(() -> {
            List<PresenceCallback> list = byName.get(username);
            if (list != null && list.removeIf(c -> c == callback) && list.isEmpty()) {
                byName.remove(username);
                if (authenticated) {
                    send(PresenceMessage.request(Action.UNSUBSCRIBE, correlationId(), List.of(username)));
                }
            }
        });
    }

    private void resubscribe() {
        if (!everyone.isEmpty()) {
            send(PresenceMessage.of(Action.SUBSCRIBE_ALL));
        }
        if (!byName.isEmpty()) {
            send(PresenceMessage.request(Action.SUBSCRIBE, correlationId(), List.copyOf(byName.keySet())));
        }
    }

    // ---------------------------------------------------------------- queries

    @Override
    public CompletableFuture<List<String>> getAll() {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        onLoop(answer, () -> whenConnected(answer, () -> {
            String id = correlationId();
            track(id, true, answer);
            queryAllOrder.add(id);
            send(PresenceMessage.request(Action.QUERY_ALL, id, List.of()));
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
        onLoop(answer, () -> whenConnected(answer, () -> {
            String id = correlationId();
            track(id, false, answer);
            send(PresenceMessage.request(Action.QUERY, id, names));
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

    private void track(String id, boolean all, CompletableFuture<Object> answer) {
        ScheduledFuture<?> timeout = loop.schedule(() -> failQuery(id, all,
                new PresenceException.Timeout("no answer within " + requestTimeout)), requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        pendingQueries.put(id, new PendingQuery(all, answer, timeout));
    }

    /** The pending query an answer belongs to; an official server drops QUERY_ALL's id, so fall back to the oldest. */
    private PendingQuery take(String correlationId, boolean all) {
        String id = correlationId;
        if (id == null || !pendingQueries.containsKey(id)) {
            id = all ? queryAllOrder.peekFirst() : null;
        }
        if (id == null) {
            return null;
        }
        queryAllOrder.remove(id);
        PendingQuery pending = pendingQueries.remove(id);
        if (pending != null) {
            pending.timeout().cancel(false);
        }
        return pending;
    }

    private void answer(String correlationId, boolean all, Object result) {
        PendingQuery pending = take(correlationId, all);
        if (pending != null) {
            complete(pending.answer(), result);
        }
    }

    private void failQuery(String correlationId, boolean all, PresenceException error) {
        PendingQuery pending = take(correlationId, all);
        if (pending != null) {
            fail(pending.answer(), error);
        }
    }

    private void failPendingQueries(PresenceException error) {
        for (PendingQuery pending : pendingQueries.values()) {
            pending.timeout().cancel(false);
            fail(pending.answer(), error);
        }
        pendingQueries.clear();
        queryAllOrder.clear();
    }

    /** Runs {@code send} now when logged in, else queues it until login or the offline timeout. */
    private void whenConnected(CompletableFuture<?> result, Runnable send) {
        if (authenticated) {
            send.run();
            return;
        }
        QueuedRequest queued = new QueuedRequest(send, result);
        offlineQueue.add(queued);
        if (!everLoggedIn && pendingLogin == null) {
            offlineQueue.remove(queued);
            fail(result, new PresenceException.ClientOffline("log in first"));
            return;
        }
        loop.schedule(() -> {
            if (offlineQueue.remove(queued)) {
                fail(result, new PresenceException.ClientOffline("not connected within " + offlineTimeout));
            }
        }, offlineTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void flushOfflineQueue() {
        while (authenticated && !offlineQueue.isEmpty()) {
            offlineQueue.poll().send().run();
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void send(Message message) {
        if (transport != null) {
            transport.send(codec.encode(message));
        }
    }

    private String correlationId() {
        return String.valueOf(nextCorrelationId++);
    }

    private static void checkName(String username) {
        Objects.requireNonNull(username, "username");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("username must not be empty");
        }
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.fine("client closed; dropped a task");
        }
    }

    /** As {@link #onLoop(Runnable)}, failing {@code result} when the client is already closed. */
    private void onLoop(CompletableFuture<?> result, Runnable task) {
        if (state == ConnectionState.CLOSED) {
            result.completeExceptionally(new PresenceException.ClientClosed("the client is closed"));
            return;
        }
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new PresenceException.ClientClosed("the client is closed"));
        }
    }

    private <T> void complete(CompletableFuture<T> future, T value) {
        callbacks.execute(() -> future.complete(value));
    }

    private void fail(CompletableFuture<?> future, PresenceException error) {
        callbacks.execute(() -> future.completeExceptionally(error));
    }

    private static <T> void deliverTo(ResultCallback<T> callback, CompletableFuture<T> future) {
        future.whenComplete((result, failure) -> safely(() -> callback.onResult(failure == null ? null : unwrap(failure), result)));
    }

    private static PresenceException unwrap(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof PresenceException p ? p : new PresenceException(cause.toString(), cause);
    }

    private static void safely(Runnable userCode) {
        try {
            userCode.run();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "a presence callback threw; the client carries on", e);
        }
    }

    @Override
    public Presence presence() {
        return this;
    }

    @Override
    public void close() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        onLoop(() -> {
            generation++;
            PresenceException error = new PresenceException.ClientClosed("the client was closed");
            failPendingQueries(error);
            offlineQueue.forEach(q -> fail(q.result(), error));
            offlineQueue.clear();
            if (pendingLogin != null) {
                fail(pendingLogin, error);
                pendingLogin = null;
            }
            if (transport != null) {
                transport.close();
                transport = null;
            }
            setState(ConnectionState.CLOSED);
            closed.complete(null);
        });
        closed.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        loop.shutdown();
        if (ownCallbackThread != null) {
            ownCallbackThread.shutdown();
        }
    }

}
