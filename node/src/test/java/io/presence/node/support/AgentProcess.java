package io.presence.node.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SplitAgent} process, started under a wrapper (a network namespace), driven from the
 * test: one command at a time, each waiting for its answer; the joins and leaves its watcher
 * heard, in order. Its whole output is kept in target/node-processes for a failure's reader.
 */
public final class AgentProcess implements AutoCloseable {

    /** One join or leave as the watcher heard it. */
    public record Event(boolean join, String name, long atMillis) {
    }

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<Event> events = new ArrayList<>();

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> read(log), "agent-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts an agent for the node on {@code port} (as the agent sees it) under {@code wrapper}. */
    public static AgentProcess start(List<String> wrapper, String name, int port) {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-")).forEach(command::add);
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SplitAgent.class.getName());
        command.add(String.valueOf(port));
        try {
            Path log = Files.createDirectories(Path.of("target", "node-processes")).resolve(name + ".log");
            return new AgentProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start an agent", e);
        }
    }

    private void read(Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.write(System.currentTimeMillis() + " " + line + "\n");
                out.flush();
                if (line.startsWith("EVENT ")) {
                    String[] words = line.split(" ", 3);
                    synchronized (events) {
                        events.add(new Event(words[1].equals("JOIN"), words[2], System.currentTimeMillis()));
                    }
                } else if (line.startsWith("OK ") || line.startsWith("ONLINE") || line.startsWith("HEALTH ") || line.startsWith("ERROR ")) {
                    answers.add(line);
                }
            }
        } catch (IOException e) {
            // the agent is gone
        }
    }

    /** Sends {@code command} and returns its answer; fails on an ERROR answer or none within {@code within}. */
    public synchronized String call(String command, Duration within) {
        try {
            answers.clear();
            commands.write(command + "\n");
            commands.flush();
            String answer = answers.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null || answer.startsWith("ERROR ")) {
                throw new IllegalStateException("agent: " + command + " -> " + (answer == null ? "no answer within " + within : answer));
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException("agent gone", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void login(String name) {
        call("login " + name, Duration.ofSeconds(15));
    }

    public void watch(String name) {
        call("watch " + name, Duration.ofSeconds(15));
    }

    /** The node's answer to getAll(), as this agent's watcher asked it. */
    public Set<String> online() {
        String answer = call("query", Duration.ofSeconds(15));
        String names = answer.substring("ONLINE".length()).trim();
        return names.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(names.split(",")));
    }

    /** The node's health-check status; -1 when it does not answer. */
    public int health() {
        return Integer.parseInt(call("health", Duration.ofSeconds(15)).substring("HEALTH ".length()));
    }

    /** The joins (true) and leaves (false) of {@code name} in the order the watcher heard them. */
    public List<Boolean> stream(String name) {
        List<Boolean> stream = new ArrayList<>();
        synchronized (events) {
            events.stream().filter(e -> e.name().equals(name)).forEach(e -> stream.add(e.join()));
        }
        return stream;
    }

    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
