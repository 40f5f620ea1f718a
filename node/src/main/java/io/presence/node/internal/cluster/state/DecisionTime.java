package io.presence.node.internal.cluster.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a processor's transitions were decided, in microseconds of the cluster's clock (Hazelcast's
 * cluster time: every member's clock corrected to the master's), read on the partition's owner
 * when it first applies the processor and carried to the backup with it, so that primary and
 * backup store the same versions. A transition's version comes from here, not from the clock of
 * whoever asked: a node whose clock runs ahead would otherwise decide versions in the future, and
 * every view would drop the user's later transitions once the tombstone that orders them expired.
 *
 * <p>Set once: when Hazelcast hands one processor instance to several partitions of a local
 * call, they all use the first reading.
 */
final class DecisionTime {

    /** 0: not read yet. */
    private final AtomicLong micros;

    DecisionTime() {
        this(0);
    }

    private DecisionTime(long micros) {
        this.micros = new AtomicLong(micros);
    }

    /**
     * The decision time: read from {@code owner}'s cluster clock the first time, the same ever
     * after; {@code fallback} when it was never read and there is no owner to read it from.
     */
    long micros(HazelcastInstance owner, long fallback) {
        long known = micros.get();
        if (known != 0) {
            return known;
        }
        if (owner == null) {
            return fallback;
        }
        micros.compareAndSet(0, owner.getCluster().getClusterTime() * 1000);
        return micros.get();
    }

    void writeTo(ObjectDataOutput out) throws IOException {
        out.writeLong(micros.get());
    }

    static DecisionTime readFrom(ObjectDataInput in) throws IOException {
        return new DecisionTime(in.readLong());
    }
}
