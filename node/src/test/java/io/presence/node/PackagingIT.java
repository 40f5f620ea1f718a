package io.presence.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.hazelcast.config.Config;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.config.YamlConfigBuilder;
import io.presence.node.config.NodeConfigLoader;
import io.presence.node.support.NodeHttp;
import io.presence.node.support.TestCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What can be checked of the packaging without a container engine: the image is built with the
 * wrapper and runs, as a user without privileges, the launcher that scripts/cluster.sh uses, on
 * the files the build made; that launcher starts the packaged jar with the scripts' JVM options
 * and the node answers the probes; the Compose file and the Kubernetes manifests parse and agree
 * with each other, with the Hazelcast configurations they name and with the node's settings.
 * Runs after {@code package}: it starts the jar.
 */
@Tag("process")
class PackagingIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String LAUNCHER = "scripts/node.sh";
    private static final String LOCAL_HTTP = "scripts/local-http.sh";

    private record Instruction(String keyword, String arguments) {
    }

    private static List<Instruction> dockerfile() throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            instructions.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
        }
        return instructions;
    }

    @Test
    void theImageIsBuiltWithTheWrapperAndRunsTheScriptsLauncherOnTheBuiltJarAsAnUnprivilegedUser() throws Exception {
        List<Instruction> steps = dockerfile();
        List<Instruction> froms = steps.stream().filter(i -> i.keyword().equals("FROM")).toList();
        assertEquals(2, froms.size(), "two stages: " + froms);
        assertTrue(froms.get(0).arguments().matches("eclipse-temurin:17-jdk AS build"), froms.get(0).toString());
        assertEquals("eclipse-temurin:17-jre", froms.get(1).arguments(), "runs on a JRE 17 only");
        int runStage = steps.indexOf(froms.get(1));
        assertTrue(steps.subList(0, runStage).stream().anyMatch(i -> i.keyword().equals("RUN")
                && i.arguments().startsWith("./mvnw ") && i.arguments().contains(" package")), "built with the wrapper");

        // the build stage has every module's pom: Maven reads the whole reactor
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        Set<String> copiedToBuild = new HashSet<>();
        steps.subList(0, runStage).stream().filter(i -> i.keyword().equals("COPY"))
                .forEach(i -> copiedToBuild.add(i.arguments().split("\\s+")[0]));
        while (module.find()) {
            String name = module.group(1);
            assertTrue(copiedToBuild.contains(name + "/") || copiedToBuild.contains(name + "/pom.xml"),
                    "the build stage copies " + name + "'s pom");
        }

        List<Instruction> runSteps = steps.subList(runStage, steps.size());
        for (Instruction copy : runSteps.stream().filter(i -> i.keyword().equals("COPY")).toList()) {
            String[] parts = copy.arguments().split("\\s+");
            if (parts[0].equals("--from=build")) {
                String built = parts[1].replaceFirst("^/src/", "");
                assertEquals(built, parts[2], "the image keeps the repository's layout, which " + LAUNCHER + " expects");
                assertTrue(Files.exists(ROOT.resolve(built)), built + " is what the build makes");
            } else {
                assertTrue(Files.exists(ROOT.resolve(parts[0])), parts[0] + " is in the repository");
                assertEquals(parts[0], parts[1], "copied to the same relative path");
            }
        }
        assertTrue(runSteps.stream().anyMatch(i -> i.keyword().equals("COPY") && i.arguments().startsWith(LAUNCHER + " ")));
        String user = runSteps.stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b).orElseThrow().arguments();
        assertFalse(user.equals("root") || user.equals("0"), "not root: " + user);
        Instruction health = runSteps.stream().filter(i -> i.keyword().equals("HEALTHCHECK")).findFirst().orElseThrow();
        assertTrue(health.arguments().contains("\"" + LOCAL_HTTP + "\", \"GET\", \"/live\""),
                "liveness, not cluster membership, asked without curl: " + health.arguments());
        assertTrue(runSteps.stream().anyMatch(i -> i.keyword().equals("COPY") && i.arguments().startsWith(LOCAL_HTTP + " ")));
        assertTrue(runSteps.stream().noneMatch(i -> i.keyword().equals("RUN") && i.arguments().contains("apt-get")),
                "no package layer in the image");
        String jvmFile = runSteps.stream().filter(i -> i.keyword().equals("ENV") && i.arguments().startsWith("JVM_OPTIONS_FILE="))
                .findFirst().orElseThrow().arguments().substring("JVM_OPTIONS_FILE=".length());
        String containerOptions = Files.readString(ROOT.resolve(jvmFile));
        assertTrue(containerOptions.contains("-XX:MaxRAMPercentage=") && !containerOptions.contains("-Xmx"),
                "the heap follows the container's limit: " + containerOptions);
        assertTrue(containerOptions.contains("-XX:+ExitOnOutOfMemoryError"), containerOptions);
        List<String> version = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        version.addAll(List.of(containerOptions.strip().split("\\s+")));
        version.add("-version");
        Process java = new ProcessBuilder(version).redirectErrorStream(true).start();
        String said = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, java.waitFor(), "the JVM takes the container's options: " + said);
        assertFalse(said.contains("warning"), said);
        Instruction entry = runSteps.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).findFirst().orElseThrow();
        assertEquals("[\"" + LAUNCHER + "\"]", entry.arguments());
        assertTrue(Files.readString(ROOT.resolve("scripts/cluster.sh")).contains("\"$root/" + LAUNCHER + "\""),
                "scripts/cluster.sh starts its nodes with the same launcher");
    }

    @Test
    void theLauncherStartsThePackagedJarWithTheScriptsJvmOptionsAndTheNodeAnswersEveryProbe() throws Exception {
        int port = TestCluster.freePort();
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve(LAUNCHER).toString())
                .redirectErrorStream(true)
                .redirectOutput(Files.createDirectories(ROOT.resolve("node/target/node-processes")).resolve("launcher.log").toFile());
        Map<String, String> env = builder.environment();
        env.remove("JAVA_OPTS");
        env.put("PRESENCE_PORT", String.valueOf(port));
        env.put("PRESENCE_CLUSTER_NAME", "packaging-" + UUID.randomUUID());
        env.put("PRESENCE_HAZELCAST_PORT", "5971");
        Process process = builder.start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertTrue(process.isAlive(), "the node exited; see node/target/node-processes/launcher.log");
                try {
                    return NodeHttp.healthCode(port) == 200;
                } catch (IOException notYet) {
                    return false;
                }
            });
            // the launcher execs java: the process it started is the JVM, with the scripts' options
            List<String> command = List.of(new String(Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline")),
                    StandardCharsets.UTF_8).split("\0"));
            for (String option : Files.readString(ROOT.resolve("cluster-config/jvm.options")).strip().split("\\s+")) {
                assertTrue(command.contains(option), option + " in " + command);
            }
            assertEquals(ROOT.resolve("node/target/presence-node.jar").toString(), command.get(command.indexOf("-jar") + 1));
            assertEquals(200, NodeHttp.get(port, "/live").statusCode(), "the Kubernetes liveness probe");
            assertEquals(200, NodeHttp.get(port, "/ready").statusCode(), "the Kubernetes readiness probe");
            assertEquals(200, NodeHttp.get(port, "/metrics").statusCode(), "the scrape the pods are annotated with");
            assertEquals(0, localHttp(port, "GET", "/live"), "the image's health check, without curl");
            assertEquals(1, localHttp(port, "GET", "/no-such-page"), "a 404 is no health");
        } finally {
            process.destroy(); // SIGTERM: the graceful stop
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        assertEquals(143, process.exitValue(), "stopped by SIGTERM through its shutdown hook");
    }

    @Test
    void theComposeFileRunsThreeNodesThatFindEachOtherByServiceName() throws IOException {
        JsonNode services = YAML.readTree(ROOT.resolve("compose.yaml").toFile()).get("services");
        assertEquals(3, services.size());
        Set<String> hostPorts = new HashSet<>();
        Set<String> names = new HashSet<>();
        String hazelcastConfig = null;
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            JsonNode s = service.getValue();
            assertEquals(".", s.get("build").asText(), "built from the Dockerfile");
            assertEquals(service.getKey(), s.get("hostname").asText());
            names.add(service.getKey());
            knownSettings(s.get("environment"));
            hazelcastConfig = s.get("environment").get("PRESENCE_HAZELCAST_CONFIG").asText();
            String[] mapping = s.get("ports").get(0).asText().split(":");
            assertEquals(NodeConfigLoader.DEFAULTS.get("port"), mapping[1], "the node's default port inside");
            hostPorts.add(mapping[0]);
        }
        assertEquals(3, hostPorts.size(), "each node on a port of its own: " + hostPorts);
        Config config = hazelcast(hazelcastConfig);
        assertEquals(names, Set.copyOf(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()),
                "the members Hazelcast looks for are the services");
    }

    @Test
    void theKubernetesManifestsParseAndAgreeWithTheHazelcastDiscoveryAndTheNodesEndpoints() throws IOException {
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class)
                .readValues(ROOT.resolve("cluster-config/kubernetes.yaml").toFile())) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isEmpty()) {
                    byKind.computeIfAbsent(document.get("kind").asText(), k -> new ArrayList<>()).add(document);
                }
            }
        }
        for (String kind : List.of("Namespace", "ServiceAccount", "Role", "RoleBinding", "Service", "Deployment", "PodDisruptionBudget",
                "NetworkPolicy")) {
            assertTrue(byKind.containsKey(kind), kind + " in " + byKind.keySet());
        }
        JsonNode deployment = byKind.get("Deployment").get(0);
        JsonNode pod = deployment.at("/spec/template");
        JsonNode labels = pod.at("/metadata/labels");
        assertEquals(labels, deployment.at("/spec/selector/matchLabels"));
        assertEquals(labels, byKind.get("PodDisruptionBudget").get(0).at("/spec/selector/matchLabels"));
        JsonNode container = pod.at("/spec/containers/0");
        Map<String, String> env = new HashMap<>();
        container.get("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText()));
        knownSettings(YAML.valueToTree(env));

        Config config = hazelcast(env.get("PRESENCE_HAZELCAST_CONFIG"));
        var discovery = config.getNetworkConfig().getJoin().getKubernetesConfig();
        assertTrue(discovery.isEnabled());
        JsonNode headless = byKind.get("Service").stream().filter(s -> "None".equals(s.at("/spec/clusterIP").asText()))
                .findFirst().orElseThrow();
        assertEquals(discovery.getProperty("service-name"), headless.at("/metadata/name").asText());
        assertNull(discovery.getProperty("namespace"), "no namespace in the image: Hazelcast reads the pod's own");
        assertEquals(PartitionGroupConfig.MemberGroupType.NODE_AWARE, config.getPartitionGroupConfig().getGroupType());
        assertTrue(config.getPartitionGroupConfig().isEnabled());
        assertEquals("kubernetes.io/hostname", pod.at("/spec/topologySpreadConstraints/0/topologyKey").asText(),
                "pods spread over Kubernetes nodes, which the partition groups follow");
        assertEquals(labels, pod.at("/spec/topologySpreadConstraints/0/labelSelector/matchLabels"));
        for (JsonNode service : byKind.get("Service")) {
            assertEquals(labels, service.at("/spec/selector"), service.at("/metadata/name") + " selects the pods");
        }
        assertEquals(pod.at("/spec/serviceAccountName").asText(), byKind.get("RoleBinding").get(0).at("/subjects/0/name").asText());
        assertTrue(byKind.get("Role").get(0).at("/rules/0/resources").toString().contains("endpoints"));

        assertEquals("/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/live", container.at("/startupProbe/httpGet/path").asText());
        assertTrue(container.at("/startupProbe/failureThreshold").asInt() * container.at("/startupProbe/periodSeconds").asInt() >= 60,
                "a minute or more to start");
        assertTrue(container.at("/livenessProbe/initialDelaySeconds").isMissingNode(), "the startup probe holds liveness back");
        assertEquals(List.of(LOCAL_HTTP, "POST", "/drain"), List.of(container.at("/lifecycle/preStop/exec/command/0").asText(),
                container.at("/lifecycle/preStop/exec/command/1").asText(), container.at("/lifecycle/preStop/exec/command/2").asText()));
        assertTrue(Files.readString(ROOT.resolve(LOCAL_HTTP)).contains("Bearer $PRESENCE_DRAIN_TOKEN"), "the hook presents the drain token");
        restrictedPodSecurity(pod, container);
        assertEquals("restricted", byKind.get("Namespace").get(0).at("/metadata/labels").get("pod-security.kubernetes.io/enforce").asText(),
                "the namespace enforces the profile the pods meet");
        JsonNode policy = byKind.get("NetworkPolicy").get(0);
        assertEquals(labels, policy.at("/spec/podSelector/matchLabels"));
        assertTrue(policy.at("/spec/ingress").toString().contains("5701") && policy.at("/spec/ingress").toString().contains("\"app\":\"presence\""),
                "Hazelcast's port only from presence pods: " + policy.at("/spec/ingress"));
        JsonNode kustomization = YAML.readTree(ROOT.resolve("cluster-config/kustomization.yaml").toFile());
        assertEquals("[\"kubernetes.yaml\"]", kustomization.get("resources").toString());
        assertEquals(deployment.at("/metadata/namespace").asText(), kustomization.get("namespace").asText());
        assertEquals(container.get("image").asText().split(":")[0], kustomization.at("/images/0/name").asText());
        assertEquals("presence-drain", container.at("/env").findParent("secretKeyRef").at("/secretKeyRef/name").asText());
        long drainSeconds = Long.parseLong(env.get("PRESENCE_DRAIN_DELAY_MS")) / 1000;
        assertTrue(pod.at("/spec/terminationGracePeriodSeconds").asLong() > drainSeconds + 30,
                "time to drain, close the clients and record their logouts");
        Set<String> portNames = new HashSet<>();
        container.get("ports").forEach(p -> portNames.add(p.get("name").asText()));
        assertTrue(portNames.contains(container.at("/readinessProbe/httpGet/port").asText()));
        assertTrue(pod.at("/spec/securityContext/runAsNonRoot").asBoolean());
    }

    /**
     * What the "restricted" Pod Security Standard asks of a pod and its containers (the fields
     * it checks, read from the standard): non-root, the runtime's seccomp profile, no privilege
     * escalation, every capability dropped; and a root filesystem that is read-only, with the
     * one place the JVM and Netty write to mounted.
     */
    private static void restrictedPodSecurity(JsonNode pod, JsonNode container) {
        assertTrue(pod.at("/spec/securityContext/runAsNonRoot").asBoolean());
        assertTrue(pod.at("/spec/securityContext/runAsUser").asInt() > 0);
        assertEquals("RuntimeDefault", pod.at("/spec/securityContext/seccompProfile/type").asText());
        assertTrue(pod.at("/spec/hostNetwork").isMissingNode() && pod.at("/spec/hostPID").isMissingNode());
        JsonNode security = container.get("securityContext");
        assertNotNull(security, "the container's securityContext");
        assertFalse(security.get("allowPrivilegeEscalation").asBoolean(true));
        assertEquals("[\"ALL\"]", security.at("/capabilities/drop").toString());
        assertTrue(security.at("/capabilities/add").isMissingNode());
        assertTrue(security.get("readOnlyRootFilesystem").asBoolean());
        assertTrue(security.at("/privileged").isMissingNode() || !security.get("privileged").asBoolean());
        String mount = container.at("/volumeMounts/0/name").asText();
        assertEquals("/tmp", container.at("/volumeMounts/0/mountPath").asText());
        assertEquals(mount, pod.at("/spec/volumes/0/name").asText());
        assertTrue(pod.at("/spec/volumes/0/emptyDir").isObject());
    }

    /** Runs {@link #LOCAL_HTTP} against a node on {@code port}; its exit status. */
    private static int localHttp(int port, String method, String path) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve(LOCAL_HTTP).toString(), method, path, "10")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PRESENCE_PORT", String.valueOf(port));
        Process process = builder.start();
        assertTrue(process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), LOCAL_HTTP + " answers in time");
        return process.exitValue();
    }

    /** Every PRESENCE_* variable names a setting the node knows: a typo would be ignored silently. */
    private static void knownSettings(JsonNode environment) {
        Set<String> known = new HashSet<>();
        NodeConfigLoader.DEFAULTS.keySet().forEach(k -> known.add(NodeConfigLoader.envName(k)));
        environment.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("PRESENCE_")) {
                assertTrue(known.contains(name), name + " is a node setting");
            }
        });
    }

    /** A Hazelcast configuration named relative to the image's working directory, as Hazelcast reads it. */
    private static Config hazelcast(String relativePath) throws IOException {
        assertNotNull(relativePath);
        try (InputStream in = Files.newInputStream(ROOT.resolve(relativePath))) {
            return new YamlConfigBuilder(in).build();
        }
    }
}
