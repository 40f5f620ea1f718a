package io.presence.node.internal.cluster.state;

import com.hazelcast.client.Client;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The holders a repair keeps: those the requester counts as alive, the nodes connected to the
 * entry's owner as clients (in client mode each node connects to every data member, so a node
 * is let go only once its owner saw it disconnect too), and every member the owner sees when the
 * owner no longer counts the requester among its members, or the requester does not count the
 * owner among its own. Such a requester has a stale view (it hung, woke up and still believes in
 * an old member list; or it merged back under a new UUID and asked with the list it had while
 * joining, itself alone) or is a client that knows no members, and must never let go of holders
 * the owner sees alive. A requesting member that the owner knows, and that knows the owner, is
 * trusted about members, so an owner a moment behind on a member leaving holds up nothing; on the
 * requester's own entries its view now counts. A backup applies exactly what its primary kept.
 */
public final class LiveHolders {

    private final Set<UUID> requested;
    private final UUID requester;
    /** Set for a backup's copy: it keeps exactly what its primary kept and adds no view of its own. */
    private final boolean backup;
    private volatile Set<UUID> kept;

    LiveHolders(Set<UUID> requested, UUID requester) {
        this(requested, requester, false);
    }

    private LiveHolders(Set<UUID> requested, UUID requester, boolean backup) {
        this.requested = requested;
        this.requester = requester;
        this.backup = backup;
    }

    /** What a backup applies: the holders this primary kept. */
    LiveHolders forBackup() {
        return new LiveHolders(kept(), requester, true);
    }

    void writeTo(ObjectDataOutput out) throws IOException {
        out.writeBoolean(backup);
        PresenceSerialization.writeUuid(out, requester);
        PresenceSerialization.writeUuids(out, kept());
    }

    static LiveHolders readFrom(ObjectDataInput in) throws IOException {
        boolean backup = in.readBoolean();
        UUID requester = PresenceSerialization.readUuid(in);
        return new LiveHolders(PresenceSerialization.readUuids(in), requester, backup);
    }

    /** The members that {@code hazelcast} sees in its cluster, itself included. */
    public static Set<UUID> members(HazelcastInstance hazelcast) {
        Set<UUID> live = new HashSet<>();
        for (Member m : hazelcast.getCluster().getMembers()) {
            live.add(m.getUuid());
        }
        return live;
    }

    /** Whether {@code uuid} is one of the members {@code hazelcast} sees (without building their set). */
    public static boolean isMember(HazelcastInstance hazelcast, UUID uuid) {
        for (Member m : hazelcast.getCluster().getMembers()) {
            if (m.getUuid().equals(uuid)) {
                return true;
            }
        }
        return false;
    }

    /** The clients connected to the member {@code hazelcast} (the nodes, in client mode). */
    public static Set<UUID> clients(HazelcastInstance member) {
        Set<UUID> live = new HashSet<>();
        for (Client c : member.getClientService().getConnectedClients()) {
            live.add(c.getUuid());
        }
        return live;
    }

    /**
     * Adds what the owner sees, once: the partitions of one member share one instance of the
     * processor, each on its own thread.
     */
    synchronized void addOwnerView(HazelcastInstance owner) {
        if (kept == null && !backup) {
            Set<UUID> union = new HashSet<>(requested);
            union.addAll(clients(owner));
            Set<UUID> members = members(owner);
            UUID self = owner.getCluster().getLocalMember().getUuid();
            // its own entries: the owner's view now is never older than the one it asked with
            boolean trusted = !self.equals(requester) && members.contains(requester) && requested.contains(self);
            if (!trusted) {
                union.addAll(members);
            }
            kept = union;
        }
    }

    boolean isLive(UUID holder) {
        return kept().contains(holder);
    }

    /** The requested holders, plus the owner's view once it was added. */
    Set<UUID> kept() {
        Set<UUID> k = kept;
        return k != null ? k : requested;
    }
}
