package io.presence.node.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small network of its own: network namespaces ("hosts") on one bridge, each with one address
 * in a private /24 that this lab chose, joined by veth pairs; the bridge lives in a namespace of
 * its own, so nothing is added to the machine's own network. A host's link can be cut (both
 * directions: its port on the bridge goes down) and restored. Needs root and iproute2; {@link
 * #create()} says why when it cannot. Everything it made is deleted on {@link #close()}.
 */
public final class NetworkLab implements AutoCloseable {

    private final String id = UUID.randomUUID().toString().substring(0, 6);
    private final String subnet = "10." + ThreadLocalRandom.current().nextInt(100, 200) + "."
            + ThreadLocalRandom.current().nextInt(0, 256) + ".";
    private final String bridgeNamespace = "pt-" + id + "-sw";
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> bridgePorts = new ArrayList<>();

    private NetworkLab() {
    }

    /** A lab with its bridge, or why one cannot be made here (not root, no iproute2, no namespaces). */
    public static Lab create() {
        NetworkLab lab = new NetworkLab();
        try {
            lab.ip("netns", "add", lab.bridgeNamespace);
        } catch (RuntimeException e) {
            return new Lab(Optional.empty(), "network namespaces are not available here: " + e.getMessage());
        }
        lab.namespaces.add(lab.bridgeNamespace);
        lab.ip("-n", lab.bridgeNamespace, "link", "set", "lo", "up");
        lab.ip("-n", lab.bridgeNamespace, "link", "add", "br0", "type", "bridge");
        lab.ip("-n", lab.bridgeNamespace, "link", "set", "br0", "up");
        return new Lab(Optional.of(lab), "");
    }

    /** The outcome of {@link #create()}: a lab, or the reason there is none. */
    public record Lab(Optional<NetworkLab> lab, String whyNot) {
    }

    /** Adds host number {@code hosts()} with its own namespace and address; returns the address. */
    public String addHost() {
        int n = bridgePorts.size();
        String namespace = "pt-" + id + "-h" + n;
        String hostSide = "pt" + id + "h" + n;
        String bridgeSide = "pt" + id + "b" + n;
        ip("netns", "add", namespace);
        namespaces.add(namespace);
        ip("-n", namespace, "link", "set", "lo", "up");
        ip("-n", namespace, "link", "add", hostSide, "type", "veth", "peer", "name", bridgeSide, "netns", bridgeNamespace);
        ip("-n", namespace, "addr", "add", address(n) + "/24", "dev", hostSide);
        ip("-n", namespace, "link", "set", hostSide, "up");
        ip("-n", bridgeNamespace, "link", "set", bridgeSide, "master", "br0");
        ip("-n", bridgeNamespace, "link", "set", bridgeSide, "up");
        bridgePorts.add(bridgeSide);
        return address(n);
    }

    public String address(int host) {
        return subnet + (host + 1);
    }

    /** The addresses of the hosts this lab made, as a Hazelcast interface pattern. */
    public String addressPattern() {
        return subnet + "*";
    }

    /** The command prefix that runs a program inside host {@code host}'s namespace. */
    public List<String> inside(int host) {
        return List.of("ip", "netns", "exec", "pt-" + id + "-h" + host);
    }

    /** Cuts host {@code host} off: its port on the bridge goes down, so nothing passes either way. */
    public void cut(int host) {
        ip("-n", bridgeNamespace, "link", "set", bridgePorts.get(host), "down");
    }

    public void restore(int host) {
        ip("-n", bridgeNamespace, "link", "set", bridgePorts.get(host), "up");
    }

    /** Deletes every namespace (and with them every link) this lab made. */
    @Override
    public void close() {
        for (String namespace : namespaces) {
            try {
                ip("netns", "del", namespace);
            } catch (RuntimeException e) {
                System.err.println("could not delete network namespace " + namespace + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    private void ip(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(arguments));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no answer within 10 s");
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
