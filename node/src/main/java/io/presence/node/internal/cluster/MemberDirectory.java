package io.presence.node.internal.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * What each member says about itself (connections, sessions, readiness), for operators: every
 * node publishes its own figures every second with a time-to-live, so a member that hangs fades
 * out of the map while the member list still names it.
 */
public final class MemberDirectory {

    static final String FIGURES_MAP = "presence-member-figures";
    /** Figures older than this are gone: the member stopped publishing. */
    static final long FIGURES_TTL_SECONDS = 5;

    /** One member: its cluster identity and address, and the figures it last published (JSON, or null). */
    public record Entry(String id, String address, boolean local, String figures) {
    }

    private final HazelcastInstance hazelcast;
    private final LocalMember member;
    private final IMap<String, String> figures;
    private final ClusterWorkers workers;

    MemberDirectory(HazelcastInstance hazelcast, LocalMember member, ClusterWorkers workers) {
        this.hazelcast = hazelcast;
        this.member = member;
        this.figures = hazelcast.getMap(FIGURES_MAP);
        this.workers = workers;
    }

    /** Publishes this member's figures (JSON text). */
    public CompletionStage<Void> publish(String json) {
        try {
            String me = member.uuid().toString();
            return figures.setAsync(me, json, FIGURES_TTL_SECONDS, TimeUnit.SECONDS);
        } catch (RuntimeException notRunning) {
            return CompletableFuture.failedFuture(notRunning);
        }
    }

    /**
     * Every member in the cluster's order, each with the figures it last published; in client
     * mode, the nodes that published figures lately (the members are data members, not nodes).
     */
    public CompletionStage<List<Entry>> members() {
        if (member.isClient()) {
            return workers.supply(() -> {
                String me = member.uuid().toString();
                List<Entry> entries = new ArrayList<>();
                new TreeMap<>(figures.getAll(figures.keySet())).forEach((id, json) ->
                        entries.add(new Entry(id, "client", id.equals(me), json)));
                return entries;
            });
        }
        return workers.supply(() -> {
            Set<Member> members = hazelcast.getCluster().getMembers();
            Set<String> ids = new HashSet<>();
            members.forEach(m -> ids.add(m.getUuid().toString()));
            Map<String, String> published = figures.getAll(ids);
            List<Entry> entries = new ArrayList<>(members.size());
            for (Member m : members) {
                String id = m.getUuid().toString();
                entries.add(new Entry(id, m.getAddress().getHost() + ":" + m.getAddress().getPort(), m.localMember(),
                        published.get(id)));
            }
            return entries;
        });
    }
}
