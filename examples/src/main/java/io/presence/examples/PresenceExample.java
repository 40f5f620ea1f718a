package io.presence.examples;

import io.presence.client.ConnectionListener;
import io.presence.client.ConnectionState;
import io.presence.client.LoginResult;
import io.presence.client.PresenceClient;
import io.presence.client.PresenceException;
import io.presence.protocol.JsonText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The examples of the presence API, runnable against a cluster (scripts/example.sh). It uses the
 * SDK as an application does, from its own module, so that the SDK's jar carries no program:
 *
 * <pre>
 *   PresenceExample [--url host:port]... [--user NAME] [--query NAME,NAME] [--watch SECONDS]
 *   PresenceExample --help
 * </pre>
 *
 * Logs in (anonymously without --user), prints {@code getAll()} and, with --query,
 * {@code getAll(names)} as JSON lines, then with --watch prints every login and logout it hears
 * for that many seconds.
 */
public final class PresenceExample {

    private PresenceExample() {
    }

    private static final String USAGE = """
            usage: PresenceExample [--url host:port]... [--user NAME] [--query NAME,NAME] [--watch SECONDS]
              --url     a node to connect to, more than once for fallbacks (127.0.0.1:6020, 6021, 6022)
              --user    log in as NAME (anonymously without it)
              --query   also print getAll(these names)
              --watch   then print every login and logout heard for this many seconds
            """;

    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(USAGE);
            return;
        }
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.print(e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
    }

    private static void run(String[] args) throws InterruptedException {
        List<String> urls = new ArrayList<>();
        String user = null;
        List<String> query = List.of();
        int watchSeconds = 0;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--url" -> urls.add(args[i + 1]);
                case "--user" -> user = args[i + 1];
                case "--query" -> query = Arrays.asList(args[i + 1].split(","));
                case "--watch" -> watchSeconds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (urls.isEmpty()) {
            urls = List.of("127.0.0.1:6020", "127.0.0.1:6021", "127.0.0.1:6022");
        }
        PresenceClient client = PresenceClient.builder()
                .urls(urls)
                .connectionListener(new ConnectionListener() {
                    @Override
                    public void onStateChanged(ConnectionState state) {
                        System.err.println("connection: " + state);
                    }

                    @Override
                    public void onError(PresenceException error) {
                        System.err.println("error: " + error.getMessage());
                    }
                })
                .build();
        try (client) {
            LoginResult login = (user == null ? client.login() : client.login(Map.of("username", user))).join();
            if (!login.isLoggedIn()) {
                System.err.println("login refused: " + login.reason().orElse(""));
                System.exit(1);
            }
            // Client A: every login and logout
            client.presence().subscribe((username, isLoggedIn) ->
                    System.out.println(JsonText.write(Map.of("event", isLoggedIn ? "login" : "logout", "username", username))));
            // Client B: who is online?
            System.out.println(JsonText.write(Map.of("getAll", client.presence().getAll().join())));
            if (!query.isEmpty()) {
                System.out.println(JsonText.write(Map.of("getAllNames", client.presence().getAll(query).join())));
            }
            if (watchSeconds > 0) {
                new CountDownLatch(1).await(watchSeconds, TimeUnit.SECONDS);
            }
        }
    }
}
