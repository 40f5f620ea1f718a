package io.presence.node;

import io.presence.node.config.ConfigException;
import io.presence.node.config.NodeConfig;
import io.presence.node.config.NodeConfigLoader;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Starts one node: {@code java -jar presence-node.jar [--config node.properties]}. */
public final class Main {

    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Hazelcast runs async callbacks on the common pool; on 2 cores its parallelism of 1
        // makes Hazelcast start a thread per callback instead. Must be set before first use.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, String.valueOf(Math.max(4, Runtime.getRuntime().availableProcessors())));
        }
        NodeConfig config;
        try {
            config = NodeConfigLoader.load(configFile(args), System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        PresenceNode node = PresenceNode.create(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.stop().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "graceful stop did not finish", e);
            }
            stopped.countDown();
        }, "presence-node-stop"));
        try {
            node.start().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "node failed to start", e);
            System.exit(1);
        }
        stopped.await();
    }

    private static Optional<Path> configFile(String[] args) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--config")) {
                return Optional.of(Path.of(args[i + 1]));
            }
        }
        return Optional.empty();
    }
}
