package io.presence.client.faults;

import io.presence.client.PresenceClient;
import io.presence.node.support.ProcessCluster;
import io.presence.node.support.TestClient;
import io.presence.node.support.VanishingClient;
import io.presence.protocol.PresenceMessage;
import io.vertx.core.http.WebSocketClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Users logging in and out at random on every node: raw-protocol clients (binary and JSON) on a
 * node of their choice, and Java SDK clients, which pick a node, reconnect and resubscribe by
 * themselves; several connections per user at times. A raw subscriber to everyone on every node
 * (opened again after its node came back), two SDK subscribers to everyone and one to a few names;
 * {@code getAll()} and {@code getAll(names)} asked throughout. Decisions come from one seeded
 * thread; the blocking work runs on a bounded pool, so a paused node holds up only what waits on it.
 */
final class Workload implements AutoCloseable {

    private static final int SLOTS = 8;
    private static final int MAX_PER_USER = 3;
    private static final int MAX_RAW = 60;
    private static final int MAX_SDK = 12;

    /** A raw connection; {@code segment} is its subscription's, for a watcher. */
    private record Raw(History.Life life, TestClient client, History.Segment segment) {
    }

    private final ProcessCluster cluster;
    private final WebSocketClient ws;
    private final History history;
    private final Random random;
    private final List<String> users = new ArrayList<>();
    private final String tag;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "workload"));
    /** Notices closed connections on a thread of its own: the loop may wait on a slow login meanwhile. */
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "workload-watch"));
    private final ExecutorService actions = Executors.newFixedThreadPool(SLOTS, r -> new Thread(r, "workload-action"));
    private final Semaphore slots = new Semaphore(SLOTS);
    private final List<Raw> raws = new CopyOnWriteArrayList<>();
    private final List<SdkUser> sdks = new CopyOnWriteArrayList<>();
    private final List<VanishingClient> vanished = new CopyOnWriteArrayList<>();
    private final Raw[] watchers;
    private final Set<Integer> faulted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger sequence = new AtomicInteger();
    /** The nodes' client.timeout.ms: how long a vanished client may still hold its user. */
    private final Duration clientTimeout;

    Workload(ProcessCluster cluster, WebSocketClient ws, History history, long seed, int userCount, Duration clientTimeout) {
        this.cluster = cluster;
        this.clientTimeout = clientTimeout;
        this.ws = ws;
        this.history = history;
        this.random = new Random(seed);
        this.tag = Long.toHexString(new Random().nextLong() & 0xffffffL);
        for (int i = 0; i < userCount; i++) {
            users.add("u" + tag + "-" + i);
        }
        this.watchers = new Raw[cluster.size()];
    }

    /** Opens the subscribers and starts the random logins, logouts and questions. */
    void start() {
        ensureWatchers();
        for (int i = 0; i < 2; i++) {
            openSdk("sdkwatch" + tag + "-" + i, true, null);
        }
        openSdk("namewatch" + tag, true, users.subList(0, Math.min(6, users.size())));
        loop.scheduleWithFixedDelay(this::tick, 0, 100, TimeUnit.MILLISECONDS);
        watch.scheduleWithFixedDelay(this::noticeClosed, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** The nemesis is working on {@code node}: no new watcher there until it is back. */
    void faulted(int node, boolean yes) {
        if (yes) {
            faulted.add(node);
        } else {
            faulted.remove(node);
        }
    }

    private void tick() {
        ensureWatchers();
        if (!slots.tryAcquire()) {
            return;
        }
        double r = random.nextDouble();
        String user = users.get(random.nextInt(users.size()));
        int node = random.nextInt(cluster.size());
        Runnable action;
        if (r < 0.45 && raws.size() < MAX_RAW && openCount(user) < MAX_PER_USER) {
            boolean json = random.nextBoolean();
            action = () -> openRaw(user, node, json, false);
        } else if (r < 0.55 && sdks.size() < MAX_SDK + 3 && openCount(user) < MAX_PER_USER && usesSdk(user)) {
            action = () -> openSdk(user, false, null);
        } else if (r < 0.82) {
            action = closeOne(random.nextInt(1_000_000));
        } else {
            action = ask(random.nextBoolean(), random.nextInt(1_000_000));
        }
        actions.execute(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                history.note("workload: " + e);
            } finally {
                slots.release();
            }
        });
    }

    /**
     * The first half of the users only ever use raw connections, each on a node of its choice: when
     * that node fails, the checker knows they must leave, and how soon.
     */
    private boolean usesSdk(String user) {
        return users.indexOf(user) >= users.size() / 2;
    }

    private long openCount(String user) {
        return raws.stream().filter(r -> r.life.user.equals(user)).count()
                + sdks.stream().filter(s -> s.user.equals(user)).count();
    }

    /** Opens a watcher (a raw subscriber to everyone) on every node that has none and no fault under way. */
    void ensureWatchers() {
        for (int n = 0; n < watchers.length; n++) {
            Raw w = watchers[n];
            if (!faulted.contains(n) && (w == null || w.client.isClosed())) {
                watchers[n] = openRaw("watch" + tag + "-" + n + "-" + sequence.incrementAndGet(), n, false, true);
            }
        }
    }

    private Raw openRaw(String user, int node, boolean json, boolean subscribe) {
        History.Life life = new History.Life(user, node, History.Way.RAW, System.currentTimeMillis());
        history.lives.add(life);
        try {
            TestClient client = TestClient.loggedIn(ws, cluster.port(node),
                    json ? TestClient.Endpoint.JSON : TestClient.Endpoint.BINARY, user);
            life.opened = System.currentTimeMillis();
            History.Segment segment = null;
            if (subscribe) {
                History.Segment s = new History.Segment(user, node, System.currentTimeMillis());
                client.onArrival(m -> {
                    if (m instanceof PresenceMessage p && (p.action() == PresenceMessage.Action.PRESENCE_JOIN_ALL
                            || p.action() == PresenceMessage.Action.PRESENCE_LEAVE_ALL)) {
                        s.add(p.name(), p.action() == PresenceMessage.Action.PRESENCE_JOIN_ALL);
                    }
                });
                history.segments.add(s);
                segment = s;
                client.subscribeAll();
            }
            Raw raw = new Raw(life, client, segment);
            raws.add(raw);
            history.logins.incrementAndGet();
            history.note("login of " + user + " on node " + node);
            return raw;
        } catch (RuntimeException e) {
            // its socket is closed, but a node that was paused may still log it in and out when it wakes
            life.closed = System.currentTimeMillis() + 20_000;
            history.failedLogins.incrementAndGet();
            history.note("login of " + user + " on node " + node + " failed: " + e.getMessage());
            return null;
        }
    }

    private void openSdk(String user, boolean subscriber, List<String> names) {
        List<String> urls = new ArrayList<>();
        for (int n = 0; n < cluster.size(); n++) {
            urls.add("127.0.0.1:" + cluster.port(n));
        }
        sdks.add(SdkUser.open(user, subscriber, names, urls, history));
    }

    private Runnable closeOne(int pick) {
        List<Object> closable = new ArrayList<>();
        raws.stream().filter(r -> r.segment == null).forEach(closable::add);
        sdks.stream().filter(s -> !s.subscriber).forEach(closable::add);
        if (closable.isEmpty()) {
            return () -> { };
        }
        Object chosen = closable.get(pick % closable.size());
        if (chosen instanceof Raw raw) {
            raws.remove(raw);
            return () -> {
                // dated before the close is sent: the node may log the user out before the client hears back
                raw.life.closed = System.currentTimeMillis();
                history.logouts.incrementAndGet();
                history.note("closing the connection of " + raw.life.user + " on node " + raw.life.node);
                TestClient.closeAll(List.of(raw.client));
            };
        }
        SdkUser sdk = (SdkUser) chosen;
        sdks.remove(sdk);
        return () -> {
            history.logouts.incrementAndGet();
            sdk.close();
        };
    }

    private Runnable ask(boolean everyone, int pick) {
        List<SdkUser> connected = sdks.stream().filter(SdkUser::connected).toList();
        if (connected.isEmpty()) {
            return () -> { };
        }
        PresenceClient client = connected.get(pick % connected.size()).client();
        List<String> names = users.subList(pick % users.size(), Math.min(users.size(), pick % users.size() + 5));
        return () -> {
            try {
                if (everyone) {
                    client.presence().getAll().get(10, TimeUnit.SECONDS);
                } else {
                    client.presence().getAll(names).get(10, TimeUnit.SECONDS);
                }
                history.queries.incrementAndGet();
            } catch (Exception e) {
                history.failedQueries.incrementAndGet();
            }
        };
    }

    /** Raw connections that ended without us: their node died or closed them. */
    private synchronized void noticeClosed() {
        for (Raw raw : raws) {
            if (raw.client.isClosed()) {
                raws.remove(raw);
                long now = System.currentTimeMillis();
                if (raw.life.closed == 0) {
                    raw.life.closed = now;
                }
                if (raw.segment != null) {
                    raw.segment.end = now;
                }
                history.note("connection of " + raw.life.user + " on node " + raw.life.node + " closed by the node");
            }
        }
    }

    /** A client of a random user logs in on {@code node} and stops reading, as a frozen or vanished one. */
    void vanishOn(int node) {
        String user = users.get(random.nextInt(users.size()));
        History.Life life = new History.Life(user, node, History.Way.VANISHING, System.currentTimeMillis());
        history.lives.add(life);
        try {
            vanished.add(VanishingClient.loggedIn(cluster.port(node), user));
            life.opened = System.currentTimeMillis();
            // it holds its user until the node gives up on it: at most the client timeout, twice for safety
            life.closed = life.opened + 2 * clientTimeout.toMillis();
            history.note("vanishing client of " + user + " on node " + node);
        } catch (RuntimeException e) {
            life.closed = System.currentTimeMillis() + 2 * clientTimeout.toMillis();
            history.note("vanishing client of " + user + " on node " + node + " failed: " + e);
        }
    }

    /** Stops making changes and waits for the ones under way. */
    void stop() throws InterruptedException {
        loop.shutdown();
        loop.awaitTermination(30, TimeUnit.SECONDS);
        slots.acquire(SLOTS);
        slots.release(SLOTS);
        noticeClosed();
    }

    /** Every SDK client is logged in (they reconnect by themselves after the faults). */
    boolean sdksConnected() {
        return sdks.stream().allMatch(SdkUser::connected);
    }

    /** The users with a connection open now, as the clients see it; vanished clients are not among them. */
    Set<String> truth() {
        noticeClosed();
        Set<String> online = new HashSet<>();
        raws.stream().filter(r -> !r.client.isClosed()).forEach(r -> online.add(r.life.user));
        sdks.stream().filter(SdkUser::connected).forEach(s -> online.add(s.user));
        return online;
    }

    /** Every user the run may have logged in, subscribers included. */
    Set<String> everyone() {
        Set<String> all = new HashSet<>(users);
        history.lives.forEach(l -> all.add(l.user));
        sdks.forEach(s -> all.add(s.user));
        return all;
    }

    List<String> users() {
        return List.copyOf(users);
    }

    @Override
    public void close() {
        loop.shutdownNow();
        watch.shutdownNow();
        actions.shutdownNow();
        vanished.forEach(VanishingClient::abort);
        sdks.forEach(SdkUser::close);
        TestClient.closeAll(raws.stream().map(Raw::client).toList());
    }
}
