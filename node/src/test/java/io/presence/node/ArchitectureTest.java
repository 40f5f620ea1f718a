package io.presence.node;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dependencies point one way: transport → session → presence → cluster, and only cluster sees Hazelcast. */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/io/presence/node");

    private static List<String> importsOf(String pkg) {
        try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream().filter(l -> l.startsWith("import "))
                            .map(l -> f.getFileName() + ": " + l);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> offending(String pkg, String... forbidden) {
        assertTrue(Files.isDirectory(MAIN.resolve(pkg)), "package exists: " + pkg);
        return importsOf(pkg).stream().filter(l -> Stream.of(forbidden).anyMatch(l::contains)).toList();
    }

    @Test
    void presenceRulesImportNeitherVertxNorHazelcastNorOuterLayers() {
        assertEquals(List.of(), offending("presence", "io.vertx", "com.hazelcast",
                "io.presence.node.session", "io.presence.node.transport", "io.presence.node.cluster"));
    }

    @Test
    void onlyTheClusterPackageTouchesHazelcast() {
        for (String pkg : List.of("transport", "session", "presence", "config")) {
            assertEquals(List.of(), offending(pkg, "com.hazelcast"), pkg);
        }
    }

    @Test
    void sessionDoesNotSeeVertxOrTheTransport() {
        assertEquals(List.of(), offending("session", "io.vertx", "io.presence.node.transport", "io.presence.node.cluster"));
    }

    @Test
    void clusterDoesNotReachBackIntoSessionsOrTransport() {
        assertEquals(List.of(), offending("cluster", "io.presence.node.session", "io.presence.node.transport"));
    }
}
