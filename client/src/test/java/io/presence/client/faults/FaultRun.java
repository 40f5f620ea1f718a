package io.presence.client.faults;

import io.presence.node.support.ProcessCluster;
import io.presence.node.support.TestClient;
import io.presence.node.support.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * One randomized fault run: three node processes in one topology, a real webhook receiver, the
 * {@link Workload} on every node and the {@link Nemesis} for {@code length}; then a quiet period,
 * in which every node's {@code getAll()}, every live subscriber and the receiver must come to the
 * truth (the users with an open connection), and the {@link HistoryChecker}'s verdict on the
 * whole history. The seed decides every choice; the same seed replays the same choices (their
 * timing, on real processes, differs).
 */
final class FaultRun {

    /** The outcome: what went wrong (empty: nothing) and the figures for the report. */
    record Outcome(List<String> violations, List<String> report) {
    }

    /** The nodes' client.timeout.ms: a vanished client is let go within it. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final int USERS = 32;

    private FaultRun() {
    }

    static Outcome run(ProcessCluster.Topology topology, long seed, Duration length) {
        String secret = "fault-run-" + UUID.randomUUID();
        History history = new History();
        Vertx vertx = Vertx.vertx();
        WebSocketClient ws = TestClient.sharedClient(vertx);
        ProcessCluster cluster = null;
        Workload workload = null;
        try (WebhookReceiver receiver = new WebhookReceiver(secret)) {
            cluster = ProcessCluster.start(topology, 3, Map.of("webhook.urls", receiver.url(), "webhook.secret", secret,
                    "client.timeout.ms", String.valueOf(CLIENT_TIMEOUT.toMillis()),
                    // each session and hold of a user, for the report of a violation
                    "log.level", "DEBUG"),
                    // with -Dfaults.splits=true the members (embedded: the nodes'; client mode: the data
                    // members) reach each other through relays that the nemesis can cut (long runs
                    // only for now; docs/resilience.md)
                    Boolean.getBoolean("faults.splits"));
            cluster.awaitOneCluster(vertx, ws);
            workload = new Workload(cluster, ws, history, seed * 31 + 7, USERS, CLIENT_TIMEOUT);
            workload.start();
            new Nemesis(cluster, receiver, workload, history, seed).runUntil(System.currentTimeMillis() + length.toMillis());
            long quietFrom = System.currentTimeMillis();
            workload.stop();
            Workload w = workload;
            ProcessCluster c = cluster;
            await().atMost(SETTLE).until(w::sdksConnected);
            w.ensureWatchers();

            HistoryChecker checker = new HistoryChecker(history);
            List<String> violations = new ArrayList<>();
            violations.addAll(settle(() -> nodesAgree(c, ws, w)));
            long converged = System.currentTimeMillis() - quietFrom;
            violations.addAll(settle(() -> checker.webhooks(receiver.byUser(), w.truth(), w.everyone())));
            violations.addAll(settle(() -> checker.subscribersAgree(w.truth())));
            violations.addAll(checker.alternation());
            violations.addAll(checker.noFalseLeaves());
            violations.addAll(checker.noFalseLogoutHooks(receiver.byUser()));
            List<String> report = new ArrayList<>();
            violations.addAll(checker.faultBounds(report));
            int heard = history.segments.stream().mapToInt(s -> s.events().size()).sum();
            report.add(0, "[" + topology + "] seed " + seed + ", " + length.toSeconds() + " s: " + history.faults.size()
                    + " faults; " + history.logins + " logins (" + history.failedLogins + " failed), " + history.logouts
                    + " logouts, " + history.queries + " questions answered (" + history.failedQueries + " not), "
                    + heard + " events heard by " + history.segments.size() + " subscriptions, "
                    + receiver.events().size() + " webhook events; every node's getAll() was the truth ("
                    + w.truth().size() + " users) " + converged + " ms after the last fault ended; "
                    + violations.size() + " violations");
            if (!violations.isEmpty()) {
                violations.forEach(v -> report.add("violation: " + v));
                // what the receiver got for the users a webhook check names, to see why
                Map<String, List<WebhookReceiver.Event>> byUser = receiver.byUser();
                violations.stream().filter(v -> v.startsWith("webhook: "))
                        .map(v -> v.contains(" last word on ") ? v.replaceAll(".* last word on (\\S+) .*", "$1")
                                : v.split(" ")[1].replace("'s", ""))
                        .distinct().limit(5).forEach(user -> report.add("receiver got for " + user + ": "
                                + byUser.getOrDefault(user, List.of()).stream().map(e -> e.name().substring(5) + " v" + e.version()
                                + " b" + e.batch() + " at+" + (e.at() - history.origin())).toList()));
                report.add("timeline:" + c.timeline());
                // everything the workload did and the nodes logged about users whose leave was late
                violations.stream().filter(v -> v.contains(" heard ")).map(v -> v.replaceAll(".* heard (\\S+) .*", "$1"))
                        .distinct().limit(5).forEach(user -> {
                            history.log().stream().filter(l -> l.contains(" " + user + " ")).forEach(l -> report.add(user + ": " + l));
                            c.linesAbout(user).forEach(l -> report.add(user + ": " + l));
                        });
                List<String> log = history.log();
                report.addAll(log.subList(Math.max(0, log.size() - 200), log.size()));
            }
            return new Outcome(violations, report);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (workload != null) {
                workload.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** Every node's {@code getAll()}, asked by a fresh client, and an SDK client's, equal the truth. */
    private static List<String> nodesAgree(ProcessCluster cluster, WebSocketClient ws, Workload workload) {
        List<String> wrong = new ArrayList<>();
        Set<String> truth = workload.truth();
        for (int n = 0; n < cluster.size(); n++) {
            try (TestClient asker = TestClient.loggedIn(ws, cluster.port(n), TestClient.Endpoint.BINARY, "checker-" + UUID.randomUUID())) {
                Set<String> said = new HashSet<>(asker.queryAll());
                said.removeIf(name -> name.startsWith("checker-"));
                if (!said.equals(truth)) {
                    Set<String> ghosts = new HashSet<>(said);
                    ghosts.removeAll(truth);
                    Set<String> missing = new HashSet<>(truth);
                    missing.removeAll(said);
                    wrong.add("node " + n + "'s getAll(): ghosts " + ghosts + ", missing " + missing);
                }
            } catch (RuntimeException e) {
                wrong.add("node " + n + " did not answer getAll(): " + e.getMessage());
            }
        }
        return wrong;
    }

    /** Waits (bounded) until {@code check} finds nothing wrong; what it still finds then. */
    private static List<String> settle(Supplier<List<String>> check) {
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        try {
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> {
                last.set(0, check.get());
                return last.get(0).isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            // reported below, as what was still wrong
        }
        return last.get(0);
    }
}
