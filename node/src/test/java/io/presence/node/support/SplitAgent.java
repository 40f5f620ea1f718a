package io.presence.node.support;

import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients of one node, run as a process inside that node's network namespace (where the test
 * JVM cannot reach): it reads commands from standard input and answers on standard output, one
 * line each, and reports every join and leave its watcher hears as it hears it. Commands:
 * {@code login NAME} (a user connection that stays open), {@code watch NAME} (a watcher that
 * subscribes to everyone), {@code query} (getAll, asked anonymously), {@code health}, {@code quit}.
 * Answers: {@code OK ...}, {@code ONLINE a,b,...}, {@code HEALTH code}, {@code ERROR ...};
 * events: {@code EVENT JOIN name}, {@code EVENT LEAVE name}.
 */
public final class SplitAgent {

    private SplitAgent() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        WebSocketClient ws = TestClient.sharedClient(vertx);
        List<TestClient> users = new ArrayList<>();
        TestClient watcher = null;
        // queries go over a connection of their own: an answer taken from the watcher's inbox
        // is no event, and keeping them apart keeps the watcher's stream just events
        TestClient asker = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            String[] words = line.split(" ", 2);
            try {
                switch (words[0]) {
                    case "login" -> {
                        users.add(TestClient.loggedIn(ws, port, TestClient.Endpoint.BINARY, words[1]));
                        say("OK " + line);
                    }
                    case "watch" -> {
                        watcher = TestClient.loggedIn(ws, port, TestClient.Endpoint.BINARY, words[1]);
                        watcher.onArrival(SplitAgent::report);
                        watcher.subscribeAll();
                        say("OK " + line);
                    }
                    case "query" -> {
                        if (asker == null) {
                            asker = TestClient.loggedIn(ws, port, TestClient.Endpoint.BINARY, null);
                        }
                        say("ONLINE " + String.join(",", asker.queryAll()));
                    }
                    case "health" -> say("HEALTH " + health(port));
                    default -> say("ERROR unknown command " + line);
                }
            } catch (RuntimeException e) {
                say("ERROR " + line + ": " + e);
            }
        }
        vertx.close();
        System.exit(0);
    }

    private static int health(int port) {
        try {
            return NodeHttp.healthCode(port);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Reports a join or leave the moment the watcher receives it. */
    private static void report(Message message) {
        if (message instanceof PresenceMessage p && p.name() != null) {
            if (p.action() == Action.PRESENCE_JOIN_ALL) {
                say("EVENT JOIN " + p.name());
            } else if (p.action() == Action.PRESENCE_LEAVE_ALL) {
                say("EVENT LEAVE " + p.name());
            }
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
