package io.presence.node;

import io.presence.node.internal.auth.PasswordHash;
import io.presence.node.internal.cluster.datamember.DataMember;
import io.presence.node.config.AuthSettings;
import io.presence.node.config.ConfigException;
import io.presence.node.config.NodeConfig;
import io.presence.node.config.NodeConfigLoader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one node: {@code java -jar presence-node.jar [--config node.properties]}; or a data
 * member for nodes in client mode: {@code java -jar presence-node.jar data-member [--config f]};
 * or prints a password hash for a users file: {@code java -jar presence-node.jar hash-password
 * [--config f]}, with the password on standard input (so it stays out of the shell history and
 * process list).
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        Logging.bridgeLibraries();
        CommandLine commandLine;
        try {
            commandLine = CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        if (commandLine.command() == CommandLine.Command.HELP) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        if (commandLine.command() == CommandLine.Command.HASH_PASSWORD) {
            System.exit(hashPassword(commandLine.configFile()));
            return;
        }
        // Hazelcast runs async callbacks on the common pool; on 2 cores its parallelism of 1
        // makes Hazelcast start a thread per callback instead. Must be set before first use.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, String.valueOf(Math.max(4, Runtime.getRuntime().availableProcessors())));
        }
        NodeConfig config;
        try {
            config = NodeConfigLoader.load(commandLine.configFile(), System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Logging.apply(config.operations());
        for (String unknown : NodeConfigLoader.unknownVariables(System.getenv())) {
            LOG.warn("{} names no setting and is ignored; the settings: README.md, or --help", unknown);
        }
        if (commandLine.command() == CommandLine.Command.DATA_MEMBER) {
            runDataMember(config);
            return;
        }
        PresenceNode node = PresenceNode.create(config);
        long stopSeconds = config.operations().drainDelayMillis() / 1000 + 60;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.stop().get(stopSeconds, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("graceful stop did not finish", e);
            }
            stopped.countDown();
        }, "presence-node-stop"));
        try {
            node.start().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConfigException bad) {
                // a users or permissions file that does not parse: the problems, not a stack trace
                System.err.println(bad.getMessage());
                System.exit(2);
            }
            LOG.error("node failed to start", e.getCause());
            System.exit(1);
        } catch (TimeoutException e) {
            LOG.error("node did not start within 120 s");
            System.exit(1);
        }
        stopped.await();
    }

    /** Runs a data member until the process is asked to stop; then it leaves gracefully. */
    private static void runDataMember(NodeConfig config) throws InterruptedException {
        DataMember member = DataMember.start(config);
        LOG.info("data member serving as {} ({} members)", member.address(), member.memberCount());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            member.close();
            stopped.countDown();
        }, "presence-data-member-stop"));
        stopped.await();
    }

    /**
     * Prints the users-file hash of the password read from standard input (its first line), with
     * the node configuration's auth.file.hash, iterations and key length.
     */
    private static int hashPassword(Optional<Path> configFile) throws IOException {
        NodeConfig config;
        try {
            config = NodeConfigLoader.load(configFile, System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (System.console() != null) {
            System.err.print("password: ");
        }
        String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (password == null || password.isEmpty()) {
            System.err.println("give the password on standard input");
            return 2;
        }
        AuthSettings.FileAuth file = config.auth().file();
        try {
            System.out.println(new PasswordHash(file.hash(), file.iterations(), file.keyLength()).hash(password));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("auth.file.hash: " + e.getMessage());
            return 2;
        }
    }
}
