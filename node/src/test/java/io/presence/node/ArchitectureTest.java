package io.presence.node;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.presence.node.internal.presence.PresenceExecutor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers, checked in the compiled classes (every reference, imported or written out in full):
 * transport → session → presence ← cluster. Presence is plain Java; only cluster touches
 * Hazelcast; only transport, the login strategies (auth: Vert.x's web client and JWT) and the
 * bootstrap, {@link PresenceNode}, touch Vert.x. Sessions see the strategies through
 * {@code Authenticator} and the rules of access (plain Java) through {@code PresencePermissions}.
 */
@Tag("unit")
class ArchitectureTest {

    private static final String NODE = "io.presence.node";
    /** Everything but the node's public surface (the bootstrap and its settings). */
    private static final String IN = NODE + ".internal";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(NODE);

    /** Classes of {@code base.layer} may not reference classes in any of {@code forbidden}. */
    private static ArchRule layer(String base, String layer, String... forbidden) {
        return noClasses().that().resideInAPackage(base + "." + layer + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden);
    }

    @Test
    void presenceRulesSeeNeitherVertxNorHazelcastNorOtherLayers() {
        layer(IN, "presence", "io.vertx..", "io.netty..", "com.hazelcast..",
                IN + ".session..", IN + ".transport..", IN + ".cluster..").check(MAIN);
    }

    /**
     * Besides cluster, only the bootstrap: PresenceNode starts the member (or client) that it
     * hands to the cluster adapter, shuts it down last, and gives it to white-box tests.
     */
    @Test
    void onlyTheClusterPackageAndTheBootstrapTouchHazelcast() {
        // config: settingsArePlainJava
        for (String other : new String[] {"transport", "session", "api", "login", "presence", "auth", "access",
                "metrics", "webhook"}) {
            layer(IN, other, "com.hazelcast..").check(MAIN);
        }
        noClasses().that().resideInAPackage(NODE).and().doNotHaveSimpleName("PresenceNode")
                .should().dependOnClassesThat().resideInAnyPackage("com.hazelcast..").check(MAIN);
    }

    @Test
    void sessionSeesNeitherVertxNorTransportNorCluster() {
        layer(IN, "session", "io.vertx..", "io.netty..", IN + ".transport..", IN + ".cluster..").check(MAIN);
    }

    @Test
    void transportReachesPresenceOnlyThroughSessions() {
        layer(IN, "transport", IN + ".presence..", IN + ".cluster..").check(MAIN);
    }

    @Test
    void clusterDoesNotReachBackIntoSessionsOrTransport() {
        layer(IN, "cluster", "io.vertx..", IN + ".session..", IN + ".transport..").check(MAIN);
    }

    /** What the cluster stores and sends between members stands alone: the adapters use it, never the reverse. */
    @Test
    void clusterStateDoesNotReachTheAdapters() {
        layer(IN, "cluster.state", IN + ".cluster", "io.vertx..", IN + ".session..", IN + ".transport..").check(MAIN);
    }

    /**
     * The data member is another process: it shares the member's plumbing and the stored state
     * with the nodes' adapters but none of a node's layers, and the adapters never reach into it.
     */
    @Test
    void theDataMemberRunsNoneOfANodesLayers() {
        layer(IN, "cluster.datamember", "io.vertx..", "io.netty..", IN + ".presence..", IN + ".session..",
                IN + ".transport..", IN + ".webhook..", IN + ".auth..", IN + ".access..").check(MAIN);
        noClasses().that().resideInAnyPackage(IN + ".cluster", IN + ".cluster.state")
                .should().dependOnClassesThat().resideInAPackage(IN + ".cluster.datamember..").check(MAIN);
    }

    @Test
    void accessRulesArePlainJavaOnTheirOwn() {
        layer(IN, "access", "io.vertx..", "io.netty..", "com.hazelcast..", IN + ".session..",
                IN + ".transport..", IN + ".presence..", IN + ".cluster..", IN + ".auth..").check(MAIN);
    }

    /**
     * Sessions and HTTP callers log in through the login port; the strategies implement it and
     * know nothing of who asks. The port itself is plain Java.
     */
    @Test
    void sessionsKnowLoginStrategiesOnlyThroughTheirInterface() {
        layer(IN, "session", IN + ".auth..").check(MAIN);
        layer(IN, "api", IN + ".auth..", IN + ".session..", IN + ".transport..", IN + ".cluster..",
                "io.vertx..", "io.netty..", "com.hazelcast..").check(MAIN);
        layer(IN, "auth", IN + ".session..", IN + ".api..", IN + ".transport..", IN + ".presence..",
                IN + ".cluster..", "com.hazelcast..").check(MAIN);
        layer(IN, "login", IN + ".session..", IN + ".api..", IN + ".auth..", IN + ".transport..",
                IN + ".presence..", IN + ".cluster..", "io.vertx..", "io.netty..", "com.hazelcast..").check(MAIN);
    }

    /** Of the presence rules, webhooks use only the thread-and-clock port, so that both run on virtual time in tests. */
    @Test
    void webhooksSeeTheClusterOnlyThroughTheirOutbox() {
        noClasses().that().resideInAPackage(IN + ".webhook..").should().dependOnClassesThat(
                JavaClass.Predicates.resideInAnyPackage("com.hazelcast..", IN + ".session..", IN + ".transport..",
                                IN + ".presence..", IN + ".cluster..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(PresenceExecutor.class))))
                .check(MAIN);
    }

    @Test
    void metricsAreALeafEveryLayerMayRecordInto() {
        layer(IN, "metrics", "io.vertx..", "io.netty..", "com.hazelcast..", IN + ".session..",
                IN + ".transport..", IN + ".presence..", IN + ".cluster..", IN + ".auth..", IN + ".access..").check(MAIN);
    }

    /** Settings are plain Java that every layer reads: they know none of the layers nor their libraries. */
    @Test
    void settingsArePlainJava() {
        layer(NODE, "config", "io.vertx..", "io.netty..", "com.hazelcast..", IN + ".session..", IN + ".transport..",
                IN + ".presence..", IN + ".cluster..", IN + ".auth..", IN + ".access..", IN + ".webhook..",
                IN + ".api..", IN + ".login..", IN + ".metrics..").check(MAIN);
    }

    /**
     * The node's public surface is the bootstrap (this package) and its settings; everything it
     * wires lives under {@code internal}, public only so that its packages can call each other
     * (OkHttp's convention), and never reaches back to the bootstrap.
     */
    @Test
    void theInternalsNeverReachTheBootstrap() {
        noClasses().that().resideInAPackage(IN + "..")
                .should().dependOnClassesThat().resideInAPackage(NODE).check(MAIN);
    }

    /** The packages the rules above speak of; a new one fails here until a rule says where it stands. */
    private static final Set<String> RULED = Set.of("", "config", "internal.access", "internal.api", "internal.auth",
            "internal.cluster", "internal.cluster.state", "internal.cluster.datamember", "internal.login", "internal.metrics",
            "internal.presence", "internal.session", "internal.transport", "internal.webhook");

    @Test
    void everyPackageIsCoveredByARule() {
        Set<String> packages = new TreeSet<>();
        MAIN.forEach(c -> packages.add(c.getPackageName().equals(NODE) ? "" : c.getPackageName().substring(NODE.length() + 1)));
        Set<String> unruled = new TreeSet<>(packages);
        unruled.removeAll(RULED);
        assertTrue(unruled.isEmpty(), "packages no rule speaks of: " + unruled);
        assertTrue(packages.containsAll(RULED), "a ruled package is gone: " + RULED + " vs " + packages);
    }

    @Test
    void aFullyQualifiedNameWithoutAnImportIsCaughtToo() {
        String fixture = NODE + ".architecturefixture";
        JavaClasses classes = new ClassFileImporter().importPackages(fixture);
        assertTrue(layer(fixture, "presence", "com.hazelcast..").evaluate(classes).hasViolation(),
                "InlineHazelcastUse names HazelcastInstance in full, with no import");
    }
}
