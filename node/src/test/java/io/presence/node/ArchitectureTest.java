package io.presence.node;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.presence.node.presence.PresenceExecutor;
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
        layer(NODE, "presence", "io.vertx..", "io.netty..", "com.hazelcast..",
                NODE + ".session..", NODE + ".transport..", NODE + ".cluster..").check(MAIN);
    }

    /**
     * Besides cluster, only the bootstrap: PresenceNode starts the member (or client) that it
     * hands to the cluster adapter, shuts it down last, and gives it to white-box tests.
     */
    @Test
    void onlyTheClusterPackageAndTheBootstrapTouchHazelcast() {
        for (String other : new String[] {"transport", "session", "api", "login", "presence", "config", "auth", "access",
                "metrics", "webhook"}) {
            layer(NODE, other, "com.hazelcast..").check(MAIN);
        }
        noClasses().that().resideInAPackage(NODE).and().doNotHaveSimpleName("PresenceNode")
                .should().dependOnClassesThat().resideInAnyPackage("com.hazelcast..").check(MAIN);
    }

    @Test
    void sessionSeesNeitherVertxNorTransportNorCluster() {
        layer(NODE, "session", "io.vertx..", "io.netty..", NODE + ".transport..", NODE + ".cluster..").check(MAIN);
    }

    @Test
    void transportReachesPresenceOnlyThroughSessions() {
        layer(NODE, "transport", NODE + ".presence..", NODE + ".cluster..").check(MAIN);
    }

    @Test
    void clusterDoesNotReachBackIntoSessionsOrTransport() {
        layer(NODE, "cluster", "io.vertx..", NODE + ".session..", NODE + ".transport..").check(MAIN);
    }

    /** What the cluster stores and sends between members stands alone: the adapters use it, never the reverse. */
    @Test
    void clusterStateDoesNotReachTheAdapters() {
        layer(NODE, "cluster.state", NODE + ".cluster", "io.vertx..", NODE + ".session..", NODE + ".transport..").check(MAIN);
    }

    /**
     * The data member is another process: it shares the member's plumbing and the stored state
     * with the nodes' adapters but none of a node's layers, and the adapters never reach into it.
     */
    @Test
    void theDataMemberRunsNoneOfANodesLayers() {
        layer(NODE, "cluster.datamember", "io.vertx..", "io.netty..", NODE + ".presence..", NODE + ".session..",
                NODE + ".transport..", NODE + ".webhook..", NODE + ".auth..", NODE + ".access..").check(MAIN);
        noClasses().that().resideInAnyPackage(NODE + ".cluster", NODE + ".cluster.state")
                .should().dependOnClassesThat().resideInAPackage(NODE + ".cluster.datamember..").check(MAIN);
    }

    @Test
    void accessRulesArePlainJavaOnTheirOwn() {
        layer(NODE, "access", "io.vertx..", "io.netty..", "com.hazelcast..", NODE + ".session..",
                NODE + ".transport..", NODE + ".presence..", NODE + ".cluster..", NODE + ".auth..").check(MAIN);
    }

    /**
     * Sessions and HTTP callers log in through the login port; the strategies implement it and
     * know nothing of who asks. The port itself is plain Java.
     */
    @Test
    void sessionsKnowLoginStrategiesOnlyThroughTheirInterface() {
        layer(NODE, "session", NODE + ".auth..").check(MAIN);
        layer(NODE, "api", NODE + ".auth..", NODE + ".session..", NODE + ".transport..", NODE + ".cluster..",
                "io.vertx..", "io.netty..", "com.hazelcast..").check(MAIN);
        layer(NODE, "auth", NODE + ".session..", NODE + ".api..", NODE + ".transport..", NODE + ".presence..",
                NODE + ".cluster..", "com.hazelcast..").check(MAIN);
        layer(NODE, "login", NODE + ".session..", NODE + ".api..", NODE + ".auth..", NODE + ".transport..",
                NODE + ".presence..", NODE + ".cluster..", "io.vertx..", "io.netty..", "com.hazelcast..").check(MAIN);
    }

    /** Of the presence rules, webhooks use only the thread-and-clock port, so that both run on virtual time in tests. */
    @Test
    void webhooksSeeTheClusterOnlyThroughTheirOutbox() {
        noClasses().that().resideInAPackage(NODE + ".webhook..").should().dependOnClassesThat(
                JavaClass.Predicates.resideInAnyPackage("com.hazelcast..", NODE + ".session..", NODE + ".transport..",
                                NODE + ".presence..", NODE + ".cluster..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(PresenceExecutor.class))))
                .check(MAIN);
    }

    @Test
    void metricsAreALeafEveryLayerMayRecordInto() {
        layer(NODE, "metrics", "io.vertx..", "io.netty..", "com.hazelcast..", NODE + ".session..",
                NODE + ".transport..", NODE + ".presence..", NODE + ".cluster..", NODE + ".auth..", NODE + ".access..").check(MAIN);
    }

    /** Settings are plain Java that every layer reads: they know none of the layers nor their libraries. */
    @Test
    void settingsArePlainJava() {
        layer(NODE, "config", "io.vertx..", "io.netty..", "com.hazelcast..", NODE + ".session..", NODE + ".transport..",
                NODE + ".presence..", NODE + ".cluster..", NODE + ".auth..", NODE + ".access..", NODE + ".webhook..",
                NODE + ".api..", NODE + ".login..", NODE + ".metrics..").check(MAIN);
    }

    /** The packages the rules above speak of; a new one fails here until a rule says where it stands. */
    private static final Set<String> RULED = Set.of("", "access", "api", "auth", "cluster", "cluster.state",
            "cluster.datamember", "config", "login", "metrics", "presence", "session", "transport", "webhook");

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
