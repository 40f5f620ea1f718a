package io.presence.node.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A node in a JVM of its own, started from this test's classpath with {@code io.presence.node.Main},
 * so that tests can kill it with real signals. Only processes started here are signalled, by PID.
 */
public final class NodeProcess implements AutoCloseable {

    /** What a data member logs once it is a member; it serves no HTTP to ask. */
    private static final String DATA_MEMBER_SERVING = "data member serving";
    /** What a node logs once it serves: asked instead of HTTP when it runs in a network namespace. */
    private static final String NODE_SERVING = "presence node serving";

    private final Process process;
    /** The node's HTTP port; 0 for a data member. */
    private final int port;
    private final Path log;
    /** The log line that says it serves, for a process this JVM cannot reach by HTTP; null: ask HTTP. */
    private final String servingLine;
    /** Lines the log had before this process started (an earlier life on the same port). */
    private final int earlierLines;

    private NodeProcess(Process process, int port, Path log, String servingLine, int earlierLines) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.servingLine = servingLine;
        this.earlierLines = earlierLines;
    }

    /** Starts a node; {@link #awaitHealthy()} waits until it serves. */
    public static NodeProcess start(String name, int port, String clusterName, int hazelcastPort, Map<String, String> settings) {
        return start(List.of(), name, port, clusterName, hazelcastPort, settings, List.of());
    }

    /** Starts a data member (client mode's data tier); {@link #awaitHealthy()} waits until it is a member. */
    public static NodeProcess startDataMember(String name, String clusterName, int hazelcastPort, Map<String, String> settings) {
        return start(List.of(), name, 0, clusterName, hazelcastPort, settings, List.of("data-member"));
    }

    /**
     * Starts a node or (with {@code arguments} "data-member") a data member under {@code wrapper},
     * e.g. {@code ip netns exec <namespace>}: it is then asked whether it serves through its log.
     */
    public static NodeProcess start(List<String> wrapper, String name, int port, String clusterName, int hazelcastPort,
                                    Map<String, String> settings, List<String> arguments) {
        return start(wrapper, List.of(), name, port, clusterName, hazelcastPort, settings, arguments);
    }

    /** As {@link #start(List, String, int, String, int, Map, List)}, with {@code jvmOptions} for the node's JVM. */
    public static NodeProcess start(List<String> wrapper, List<String> jvmOptions, String name, int port, String clusterName,
                                    int hazelcastPort, Map<String, String> settings, List<String> arguments) {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // the --add-opens/--add-exports Hazelcast needs, as this test JVM got them
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-")).forEach(command::add);
        command.add("-Xmx384m");
        // the logging a node started from its jar has (not the tests' quieter logback-test.xml)
        command.add("-Dlogback.configurationFile=" + NodeProcess.class.getClassLoader().getResource("logback.xml"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.presence.node.Main");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("PRESENCE_PORT", String.valueOf(port));
        env.put("PRESENCE_CLUSTER_NAME", clusterName);
        env.put("PRESENCE_HAZELCAST_PORT", String.valueOf(hazelcastPort));
        env.put("PRESENCE_HAZELCAST_MEMBERS", "127.0.0.1");
        settings.forEach((key, value) -> env.put(io.presence.node.config.NodeConfigLoader.envName(key), value));
        try {
            Path logs = Files.createDirectories(Path.of("target", "node-processes"));
            Path log = logs.resolve(name + "-" + port + ".log");
            // appended to: a node started again on its port keeps the log of its earlier life
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            String servingLine = arguments.contains("data-member") ? DATA_MEMBER_SERVING : wrapper.isEmpty() ? null : NODE_SERVING;
            int earlierLines = Files.exists(log) ? Files.readAllLines(log).size() : 0;
            return new NodeProcess(builder.start(), port, log, servingLine, earlierLines);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a node process", e);
        }
    }

    public NodeProcess awaitHealthy() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("node on port " + port + " exited with " + process.exitValue()
                        + "; the end of " + log + ":\n" + logTail(40));
            }
            return isHealthy();
        });
        return this;
    }

    /** Everything the node wrote to standard output and error so far. */
    public List<String> logLines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The last lines of the node's log, so a failure on CI says why without the file. */
    private String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public boolean isHealthy() {
        if (servingLine != null) {
            List<String> lines = logLines();
            return lines.subList(Math.min(earlierLines, lines.size()), lines.size()).stream()
                    .anyMatch(line -> line.contains(servingLine));
        }
        try {
            return NodeHttp.healthCode(port) == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the process dies at once, closing nothing. */
    public void kill9() {
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
    }

    /** SIGTERM: the graceful stop path (the shutdown hook). */
    public void terminate() {
        process.destroy();
    }

    public void awaitExit(Duration within) {
        await().atMost(within).until(() -> !process.isAlive());
    }

    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            int rc = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed with " + rc);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            signal("CONT");
            process.destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
        }
    }
}
