package io.presence.node.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.instance.impl.Node;

/**
 * The one way into a member's implementation, for what Hazelcast offers no public call for
 * (its joiner's search for other clusters, its member connections). Callers catch what this
 * throws and fall back to Hazelcast's own behaviour, since internals may change between versions.
 */
final class MemberInternals {

    private MemberInternals() {
    }

    /** The member's {@link Node}; throws when {@code member} is not an embedded member (a client) or has stopped. */
    static Node node(HazelcastInstance member) {
        if (!(member instanceof HazelcastInstanceProxy proxy)) {
            throw new IllegalStateException("not an embedded member: " + member.getClass().getName());
        }
        return proxy.getOriginal().node;
    }
}
