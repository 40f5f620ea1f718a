package io.presence.bench;

import io.presence.protocol.JsonText;
import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives any server that speaks deepstream's binary protocol and measures presence:
 *
 * <pre>
 *   LoadGenerator --nodes ws://127.0.0.1:6020/deepstream[,ws://...] --scenario burst|steady|query
 *                 [--users 2000] [--rate 2000] [--duration 10] [--login-node 0] [--subscriber-node 0]
 *                 [--queriers 50] [--query-names 100] [--pids 123,456] [--json out.json] [--timeout 300]
 * (capacity: --users idle authenticated connections over the nodes, --pids in the order of --nodes,
 *  [--hold seconds] to keep them open after measuring;
 *  churn: --users names logging in (a new connection) and out (closing it) at --rate transitions/s
 *  in all, over every node, for --duration s, with a subscriber on every node;
 *  kill: --users logged in on --login-node, a subscriber on every other node, then SIGKILL to that
 *  node's PID from --pids (in the order of --nodes): the time until each subscriber heard the last leave)
 * </pre>
 *
 * burst: N connections log in at once on the login node; one subscriber (to everyone) on the
 * subscriber node; time until it has every join, server CPU per login, getAll() latency.
 * steady: logins at a fixed rate; login-to-notification latency at the subscriber.
 * query: N users online, Q clients alternately calling getAll() and getAll(K names).
 * Every loop is bounded by count and by --timeout; only loopback addresses are accepted.
 */
public final class LoadGenerator {

    private final Map<String, String> options;
    private final List<URI> nodes = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private Vertx vertx;
    private final List<WebSocketClient> clients = new ArrayList<>();
    private final long deadline;

    private LoadGenerator(Map<String, String> options) {
        this.options = options;
        for (String url : options.getOrDefault("nodes", "ws://127.0.0.1:6020/deepstream").split(",")) {
            URI uri = URI.create(url.trim());
            if (!uri.getHost().startsWith("127.") && !uri.getHost().equals("localhost")) {
                throw new IllegalArgumentException("loopback targets only: " + url);
            }
            nodes.add(uri);
        }
        if (!options.getOrDefault("pids", "").isBlank()) {
            for (String pid : options.get("pids").split(",")) {
                pids.add(Long.parseLong(pid.trim()));
            }
        }
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("timeout", 300));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Map<String, Object> results = new LoadGenerator(options).runScenario();
        System.out.println(table(results));
        if (options.containsKey("json")) {
            Files.writeString(Path.of(options.get("json")), JsonText.write(results) + "\n");
        }
    }

    /** Runs the scenario named in the options; returns the measurements. */
    public static Map<String, Object> run(Map<String, String> options) throws Exception {
        return new LoadGenerator(options).runScenario();
    }

    private Map<String, Object> runScenario() throws Exception {
        int users = integer("users", 2000);
        // churn opens --rate/2 connections a second for --duration s: spread them over 8 addresses
        int sources = options.getOrDefault("scenario", "").equals("churn") ? 8 : Math.max(1, (users + 20_000) / 20_000);
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        for (int i = 0; i < sources; i++) {
            // one client per loopback source address: each has its own ephemeral port range
            clients.add(vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setMaxConnections(100_000).setLocalAddress("127.0.0." + (1 + i))
                    .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024)));
        }
        String scenario = options.getOrDefault("scenario", "burst");
        results.put("scenario", scenario);
        results.put("users", users);
        results.put("nodes", nodes.stream().map(URI::toString).toList());
        try {
            switch (scenario) {
                case "burst" -> burst(users);
                case "steady" -> steady(users);
                case "query" -> query(users);
                case "capacity" -> capacity(users);
                case "churn" -> churn(users);
                case "kill" -> kill(users);
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        return results;
    }

    // ------------------------------------------------------------------ scenarios

    private void burst(int users) throws Exception {
        URI loginNode = nodes.get(integer("login-node", 0));
        Subscriber subscriber = subscriber(nodes.get(integer("subscriber-node", 0)));
        List<BenchConnection> connections = openAll(loginNode, users);
        List<String> names = names(users);
        List<ProcessStats> before = stats();
        long start = System.nanoTime();
        List<Future<Void>> logins = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            logins.add(connections.get(i).login(names.get(i)));
        }
        subscriber.awaitJoins(users, this);
        long allJoined = System.nanoTime() - start;
        await(Future.all(logins));
        List<ProcessStats> after = stats();
        results.put("time_until_subscriber_had_every_join_ms", allJoined / 1_000_000.0);
        results.put("logins_per_second_until_subscriber_had_all", users / (allJoined / 1e9));
        putServerCost(before, after, users, "login");
        subscriber.putEventCounts(users, results);
        Histogram getAll = histogram();
        for (int i = 0; i < 20; i++) {
            long t = System.nanoTime();
            subscriber.queryAll(this);
            getAll.recordValue((System.nanoTime() - t) / 1000);
        }
        putLatency("getAll_ms", getAll);
        closeAll(connections);
    }

    private void steady(int users) throws Exception {
        int rate = integer("rate", 2000);
        URI loginNode = nodes.get(integer("login-node", 0));
        Subscriber subscriber = subscriber(nodes.get(integer("subscriber-node", Math.min(1, nodes.size() - 1))));
        List<BenchConnection> connections = openAll(loginNode, users);
        List<String> names = names(users);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Histogram latency = histogram();
        subscriber.onJoin = name -> {
            Long sent = sentAt.get(name);
            if (sent != null) {
                synchronized (latency) {
                    latency.recordValue((System.nanoTime() - sent) / 1000);
                }
            }
        };
        List<ProcessStats> before = stats();
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long periodMs = 5;
        long timer = vertx.setPeriodic(periodMs, id -> {
            long due = Math.min(users, (System.nanoTime() - start) * rate / 1_000_000_000L);
            for (long i = next.get(); i < due; i++) {
                int n = (int) i;
                sentAt.put(names.get(n), System.nanoTime());
                connections.get(n).login(names.get(n));
            }
            next.set(Math.max(next.get(), due));
        });
        subscriber.awaitJoins(users, this);
        vertx.cancelTimer(timer);
        List<ProcessStats> after = stats();
        results.put("rate_per_second", rate);
        putLatency("login_to_notification_ms", latency);
        putServerCost(before, after, users, "login");
        subscriber.putEventCounts(users, results);
        closeAll(connections);
    }

    /**
     * Opens {@code users} connections spread over the nodes, logs each in, and reports what they
     * cost each server: live heap (after a full collection) and RSS, before and after, per
     * connection. The connections then sit idle (pings only) until they are closed.
     */
    private void capacity(int users) throws Exception {
        if (pids.size() != nodes.size()) {
            throw new IllegalArgumentException("capacity needs one --pids entry per --nodes entry, in the same order");
        }
        List<Long> heapBefore = pids.stream().map(ProcessStats::liveHeapKb).toList();
        List<ProcessStats> before = stats();
        List<BenchConnection> connections = openAndLogIn(nodes, users);
        List<Long> heapAfter = pids.stream().map(ProcessStats::liveHeapKb).toList();
        List<ProcessStats> after = stats();
        List<Map<String, Object>> perNode = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            long count = (long) users * (n + 1) / nodes.size() - (long) users * n / nodes.size();
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("connections", count);
            node.put("live_heap_mb_before", heapBefore.get(n) / 1024.0);
            node.put("live_heap_mb_after", heapAfter.get(n) / 1024.0);
            node.put("heap_bytes_per_connection", (heapAfter.get(n) - heapBefore.get(n)) * 1024.0 / count);
            node.put("rss_mb_before", before.get(n).rssKb() / 1024.0);
            node.put("rss_mb_after", after.get(n).rssKb() / 1024.0);
            node.put("rss_bytes_per_connection", (after.get(n).rssKb() - before.get(n).rssKb()) * 1024.0 / count);
            perNode.add(node);
        }
        results.put("per_node", perNode);
        System.out.println(table(results));
        // --hold: keep the connections open for a look at the servers (heap histograms, say)
        long holdUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("hold", 0));
        while (System.nanoTime() < holdUntil) {
            checkDeadline();
            Thread.sleep(Math.min(1000, Math.max(1, (holdUntil - System.nanoTime()) / 1_000_000)));
        }
        closeAll(connections);
    }

    /** Opens {@code users} connections split evenly, in order, over {@code over} and logs each in as this run's user i. */
    private List<BenchConnection> openAndLogIn(List<URI> over, int users) throws Exception {
        List<BenchConnection> online = new ArrayList<>();
        List<String> names = names(users);
        for (int n = 0; n < over.size(); n++) {
            int from = users * n / over.size();
            int to = users * (n + 1) / over.size();
            List<BenchConnection> opened = openAll(over.get(n), to - from);
            List<Future<Void>> logins = new ArrayList<>();
            for (int i = from; i < to; i++) {
                logins.add(opened.get(i - from).login(names.get(i)));
            }
            await(Future.all(logins));
            online.addAll(opened);
        }
        return online;
    }

    /**
     * Random logins (a new connection on the user's node) and logouts (closing it) of --users
     * names at --rate transitions a second for --duration s, then checks every node's subscriber:
     * its events for each user must alternate and end in the truth. A transition the cluster
     * collapsed (a login and its logout before either was recorded) is no event at all.
     */
    private void churn(int users) throws Exception {
        int rate = integer("rate", 5000);
        int seconds = integer("duration", 60);
        List<Subscriber> subscribers = new ArrayList<>();
        for (URI node : nodes) {
            subscribers.add(subscriber(node));
        }
        List<String> names = names(users);
        // written by the timer and by connection callbacks, which run on other event loops
        java.util.concurrent.atomic.AtomicReferenceArray<BenchConnection> connection = new java.util.concurrent.atomic.AtomicReferenceArray<>(users);
        java.util.concurrent.atomic.AtomicIntegerArray busy = new java.util.concurrent.atomic.AtomicIntegerArray(users);
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        AtomicLong issued = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong opened = new AtomicLong();
        AtomicLong loggedIn = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        AtomicLong closed = new AtomicLong();
        List<ProcessStats> before = stats();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        java.util.concurrent.CompletableFuture<Void> finished = new java.util.concurrent.CompletableFuture<>();
        vertx.setPeriodic(5, id -> {
            long now = System.nanoTime();
            if (now >= end) {
                vertx.cancelTimer(id);
                finished.complete(null);
                return;
            }
            long due = (now - start) * rate / 1_000_000_000L;
            for (long n = issued.get(); n < due; n++) {
                int user = -1;
                for (int attempt = 0; attempt < 16 && user < 0; attempt++) {
                    int candidate = random.nextInt(users);
                    if (busy.get(candidate) == 0) {
                        user = candidate;
                    }
                }
                issued.incrementAndGet();
                if (user < 0) {
                    skipped.incrementAndGet();
                    continue;
                }
                int u = user;
                busy.set(u, 1);
                if (connection.get(u) == null) {
                    long index = opened.getAndIncrement();
                    BenchConnection.open(clients.get((int) (index % clients.size())), nodes.get(u % nodes.size()))
                            .compose(c -> c.login(names.get(u)).map(c))
                            .onComplete(r -> {
                                if (r.succeeded()) {
                                    loggedIn.incrementAndGet();
                                    connection.set(u, r.result());
                                } else {
                                    failed.incrementAndGet();
                                }
                                busy.set(u, 0);
                            });
                } else {
                    BenchConnection c = connection.getAndSet(u, null);
                    closed.incrementAndGet();
                    c.close().onComplete(r -> busy.set(u, 0));
                }
            }
        });
        await(Future.fromCompletionStage(finished));
        long elapsed = System.nanoTime() - start;
        // let what is in flight land, then read the truth on the timer's thread
        java.util.concurrent.CompletableFuture<Map<String, Boolean>> truth = new java.util.concurrent.CompletableFuture<>();
        vertx.setPeriodic(50, id -> {
            for (int u = 0; u < users; u++) {
                if (busy.get(u) != 0) {
                    return;
                }
            }
            vertx.cancelTimer(id);
            Map<String, Boolean> online = new java.util.HashMap<>();
            for (int u = 0; u < users; u++) {
                online.put(names.get(u), connection.get(u) != null);
            }
            truth.complete(online);
        });
        Map<String, Boolean> expected = await(Future.fromCompletionStage(truth));
        long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // settled: every subscriber agrees with the truth and has heard nothing new for 500 ms
        // (a join and its leave may both still be on their way to a subscriber that "agrees")
        long quietSince = System.nanoTime();
        long heard = -1;
        while (System.nanoTime() < settleDeadline) {
            checkDeadline();
            long now = subscribers.stream().mapToLong(sub -> sub.events.get()).sum();
            if (now != heard) {
                heard = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(500)
                    && subscribers.stream().allMatch(sub -> agrees(sub, expected))) {
                break;
            }
            Thread.sleep(50);
        }
        List<ProcessStats> after = stats();
        results.put("rate_per_second", rate);
        long transitions = loggedIn.get() + closed.get();
        results.put("transitions", transitions);
        results.put("transitions_per_second", transitions / (elapsed / 1e9));
        results.put("skipped_all_picked_users_busy", skipped.get());
        results.put("logins", loggedIn.get());
        results.put("logouts", closed.get());
        results.put("logins_failed", failed.get());
        List<Map<String, Object>> perNode = new ArrayList<>();
        for (Subscriber sub : subscribers) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("events", sub.events.get());
            r.put("not_alternating", sub.notAlternating.get());
            r.put("final_state_wrong", expected.entrySet().stream()
                    .filter(e -> !e.getValue().equals(sub.heardOnline.getOrDefault(e.getKey(), false))).count());
            perNode.add(r);
        }
        results.put("subscribers", perNode);
        putServerCost(before, after, transitions, "transition");
        List<BenchConnection> open = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            if (connection.get(u) != null) {
                open.add(connection.get(u));
            }
        }
        closeAll(open);
    }

    private void kill(int users) throws Exception {
        int victim = integer("login-node", 0);
        if (pids.size() != nodes.size() || nodes.size() < 2) {
            throw new IllegalArgumentException("kill needs two or more --nodes and one --pids entry per node, in the same order");
        }
        List<Subscriber> subscribers = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            if (n != victim) {
                subscribers.add(subscriber(nodes.get(n)));
            }
        }
        List<BenchConnection> connections = openAndLogIn(List.of(nodes.get(victim)), users);
        List<String> names = names(users);
        for (Subscriber sub : subscribers) {
            sub.awaitJoins(users, this);
        }
        ProcessHandle process = ProcessHandle.of(pids.get(victim))
                .orElseThrow(() -> new IllegalStateException("no process " + pids.get(victim)));
        long killedAt = System.nanoTime();
        process.destroyForcibly(); // SIGKILL
        List<Map<String, Object>> perSubscriber = new ArrayList<>();
        for (Subscriber sub : subscribers) {
            while (names.stream().anyMatch(n -> sub.heardOnline.getOrDefault(n, true))) {
                checkDeadline();
                Thread.sleep(10);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("ms_from_kill_to_last_leave", (sub.lastLeaveAt - killedAt) / 1e6);
            r.put("events", sub.events.get());
            r.put("not_alternating", sub.notAlternating.get());
            perSubscriber.add(r);
        }
        results.put("killed_pid", pids.get(victim));
        results.put("subscribers", perSubscriber);
        // the killed node's connections are already gone; closing them only tidies up this side
        connections.forEach(BenchConnection::close);
    }

    private static boolean agrees(Subscriber subscriber, Map<String, Boolean> truth) {
        return truth.entrySet().stream().allMatch(e -> e.getValue().equals(subscriber.heardOnline.getOrDefault(e.getKey(), false)));
    }

    private void query(int users) throws Exception {
        int queriers = integer("queriers", 50);
        int k = integer("query-names", 100);
        int seconds = integer("duration", 10);
        List<BenchConnection> online = openAndLogIn(nodes, users);
        List<String> names = names(users);
        Subscriber probe = subscriber(nodes.get(0));
        while (probe.queryAll(this) < users) {
            checkDeadline();
        }
        List<Subscriber> askers = new ArrayList<>();
        for (int i = 0; i < queriers; i++) {
            askers.add(subscriber(nodes.get(i % nodes.size())));
        }
        Histogram all = histogram();
        Histogram some = histogram();
        List<ProcessStats> before = stats();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        AtomicLong queries = new AtomicLong();
        for (int q = 0; q < queriers; q++) {
            Subscriber asker = askers.get(q);
            int offset = q;
            Thread t = new Thread(() -> {
                int round = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    if (round++ % 2 == 0) {
                        asker.queryAll(this);
                        synchronized (all) {
                            all.recordValue((System.nanoTime() - t0) / 1000);
                        }
                    } else {
                        List<String> ask = new ArrayList<>(k);
                        for (int i = 0; i < k; i++) {
                            ask.add(names.get((offset * 7919 + round * 31 + i) % users));
                        }
                        asker.query(ask, this);
                        synchronized (some) {
                            some.recordValue((System.nanoTime() - t0) / 1000);
                        }
                    }
                    queries.incrementAndGet();
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(seconds + 60));
        }
        List<ProcessStats> after = stats();
        results.put("queriers", queriers);
        results.put("queries", queries.get());
        putLatency("getAll_ms", all);
        putLatency("getAll_" + k + "_names_ms", some);
        putServerCost(before, after, queries.get(), "query");
        closeAll(online);
    }

    // ------------------------------------------------------------------ helpers

    /** A logged-in connection subscribed to everyone, counting joins of this run's users. */
    final class Subscriber {
        final BenchConnection connection;
        final Map<String, Integer> joins = new ConcurrentHashMap<>();
        final AtomicLong joinEvents = new AtomicLong();
        /** Each user's state as this subscriber's events tell it, and events that did not alternate. */
        final Map<String, Boolean> heardOnline = new ConcurrentHashMap<>();
        final AtomicLong notAlternating = new AtomicLong();
        final AtomicLong events = new AtomicLong();
        volatile long lastLeaveAt;
        volatile java.util.function.Consumer<String> onJoin = name -> { };
        private volatile java.util.concurrent.CompletableFuture<Message> answer;

        Subscriber(BenchConnection connection) {
            this.connection = connection;
            connection.onMessage(this::received);
        }

        private void received(Message m) {
            if (m instanceof PresenceMessage p) {
                boolean join = p.action() == Action.PRESENCE_JOIN_ALL;
                if ((join || p.action() == Action.PRESENCE_LEAVE_ALL) && p.name() != null && p.name().startsWith("bench-" + run)) {
                    events.incrementAndGet();
                    Boolean before = heardOnline.put(p.name(), join);
                    if (!join) {
                        lastLeaveAt = System.nanoTime();
                    }
                    if (before == null ? !join : before == join) {
                        notAlternating.incrementAndGet();
                    }
                }
                if (p.action() == Action.PRESENCE_JOIN_ALL && p.name() != null && p.name().startsWith("bench-" + run)) {
                    joins.merge(p.name(), 1, Integer::sum);
                    joinEvents.incrementAndGet();
                    onJoin.accept(p.name());
                    if (joins.size() >= target) {
                        reached.complete(null);
                    }
                } else if ((p.action() == Action.QUERY_ALL_RESPONSE || p.action() == Action.QUERY_RESPONSE) && answer != null) {
                    answer.complete(p);
                }
            }
        }

        private volatile int target = Integer.MAX_VALUE;
        private final java.util.concurrent.CompletableFuture<Void> reached = new java.util.concurrent.CompletableFuture<>();

        void awaitJoins(int n, LoadGenerator g) throws Exception {
            target = n;
            if (joins.size() >= n) {
                return;
            }
            try {
                reached.get(Math.max(1, (g.deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("subscriber had " + joins.size() + " of " + n + " joins at --timeout", e);
            }
        }

        int queryAll(LoadGenerator g) {
            PresenceMessage r = ask(PresenceMessage.of(Action.QUERY_ALL), g);
            return r.names().size();
        }

        void query(List<String> names, LoadGenerator g) {
            ask(PresenceMessage.request(Action.QUERY, "q", names), g);
        }

        private synchronized PresenceMessage ask(PresenceMessage request, LoadGenerator g) {
            answer = new java.util.concurrent.CompletableFuture<>();
            connection.send(request);
            try {
                return (PresenceMessage) answer.get(Math.max(1, (g.deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("no answer to " + request.action(), e);
            }
        }

        void putEventCounts(int expected, Map<String, Object> into) {
            into.put("joins_missed", expected - joins.size());
            into.put("joins_duplicated", joinEvents.get() - joins.size());
        }
    }

    private Subscriber subscriber(URI node) throws Exception {
        BenchConnection c = await(BenchConnection.open(clients.get(0), node));
        await(c.login("bench-watcher-" + UUID.randomUUID()));
        Subscriber s = new Subscriber(c);
        java.util.concurrent.CompletableFuture<Void> acked = new java.util.concurrent.CompletableFuture<>();
        c.onMessage(m -> {
            if (m instanceof PresenceMessage p && p.isAck() && p.action() == Action.SUBSCRIBE_ALL) {
                acked.complete(null);
            }
            s.received(m);
        });
        c.subscribeAll();
        acked.get(30, TimeUnit.SECONDS);
        return s;
    }

    private List<BenchConnection> openAll(URI node, int count) throws Exception {
        List<BenchConnection> opened = new ArrayList<>(count);
        int batch = 256;
        for (int from = 0; from < count; from += batch) {
            List<Future<BenchConnection>> opening = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + batch); i++) {
                opening.add(BenchConnection.open(clients.get(i / 20_000 % clients.size()), node));
            }
            await(Future.all(opening));
            opening.forEach(f -> opened.add(f.result()));
            checkDeadline();
        }
        return opened;
    }

    private void closeAll(List<BenchConnection> connections) throws Exception {
        List<Future<Void>> closing = new ArrayList<>();
        connections.forEach(c -> closing.add(c.close()));
        Future.join(closing).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private List<String> names(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add("bench-" + run + "-" + i);
        }
        return names;
    }

    private List<ProcessStats> stats() {
        return pids.stream().map(ProcessStats::of).toList();
    }

    private void putServerCost(List<ProcessStats> before, List<ProcessStats> after, long operations, String what) {
        if (pids.isEmpty()) {
            return;
        }
        long cpu = 0;
        long peak = 0;
        long rss = 0;
        for (int i = 0; i < pids.size(); i++) {
            cpu += after.get(i).cpuMillis() - before.get(i).cpuMillis();
            peak += after.get(i).peakRssKb();
            rss += after.get(i).rssKb();
        }
        results.put("server_cpu_ms", cpu);
        results.put("server_cpu_ms_per_" + what, operations == 0 ? 0 : (double) cpu / operations);
        results.put("server_rss_mb", rss / 1024.0);
        results.put("server_peak_rss_mb", peak / 1024.0);
    }

    private void putLatency(String name, Histogram h) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("count", h.getTotalCount());
        l.put("mean", h.getMean() / 1000.0);
        l.put("p50", h.getValueAtPercentile(50) / 1000.0);
        l.put("p99", h.getValueAtPercentile(99) / 1000.0);
        l.put("max", h.getMaxValue() / 1000.0);
        results.put(name, l);
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    }

    private <T> T await(Future<T> future) throws Exception {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        return future.toCompletionStage().toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
    }

    private void checkDeadline() {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the run exceeded --timeout " + options.getOrDefault("timeout", "300") + " s");
        }
    }

    private int integer(String key, int fallback) {
        return Integer.parseInt(options.getOrDefault(key, String.valueOf(fallback)));
    }

    static String table(Map<String, Object> results) {
        StringBuilder out = new StringBuilder();
        results.forEach((k, v) -> out.append(String.format("%-48s %s%n", k, v instanceof Double d ? String.format("%.3f", d) : v)));
        return out.toString();
    }
}
