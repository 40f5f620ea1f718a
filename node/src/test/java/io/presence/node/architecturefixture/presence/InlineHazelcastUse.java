package io.presence.node.architecturefixture.presence;

/** A forbidden dependency with no import line: ArchitectureTest must still see it. */
final class InlineHazelcastUse {

    String clusterName(com.hazelcast.core.HazelcastInstance hazelcast) {
        return hazelcast.getConfig().getClusterName();
    }
}
