package io.presence.node.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import io.presence.node.presence.PresenceChange;
import io.presence.node.presence.PresenceCluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Presence state on Hazelcast: an IMap from online username to the members holding it, and a
 * topic on which the member that caused a transition publishes it. A transition is decided by an
 * entry processor on the user's partition, never by reading and then writing.
 *
 * <p>When a member leaves the cluster, every survivor releases its hold on all entries; the
 * release is idempotent, so each entry is deleted (and its logout published) exactly once.
 */
public final class HazelcastPresenceCluster implements PresenceCluster, AutoCloseable {

    public static final String USERS_MAP = "presence-users";
    public static final String CHANGES_TOPIC = "presence-changes";

    private static final Logger LOG = Logger.getLogger(HazelcastPresenceCluster.class.getName());

    private final HazelcastInstance hazelcast;
    private final IMap<String, UserHolders> users;
    private final ITopic<ChangeMessage> changes;
    /** Runs the blocking calls (key set, whole-map releases) off Hazelcast's and Vert.x's threads. */
    private final ExecutorService blockingCalls;
    private UUID topicRegistration;
    private UUID membershipRegistration;

    public HazelcastPresenceCluster(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.users = hazelcast.getMap(USERS_MAP);
        this.changes = hazelcast.getTopic(CHANGES_TOPIC);
        this.blockingCalls = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "presence-cluster-calls");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void onChange(Consumer<PresenceChange> listener) {
        topicRegistration = changes.addMessageListener(message -> listener.accept(message.getMessageObject().toChange()));
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // nothing to do: a new member's sessions arrive through its own claims
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                UUID gone = event.getMember().getUuid();
                blockingCalls.execute(() -> releaseEverythingHeldBy(gone));
            }
        });
    }

    @Override
    public CompletionStage<Void> claim(String username) {
        return submit(username, HoldProcessor.hold(localMember(), nowMicros()));
    }

    @Override
    public CompletionStage<Void> release(String username) {
        return submit(username, HoldProcessor.release(localMember(), nowMicros()));
    }

    private CompletionStage<Void> submit(String username, HoldProcessor processor) {
        return users.submitToKey(username, processor).thenCompose(this::publish);
    }

    private CompletionStage<Void> publish(ChangeMessage change) {
        if (change == null) {
            return CompletableFuture.completedFuture(null);
        }
        return changes.publishAsync(change);
    }

    @Override
    public CompletionStage<List<String>> onlineUsers() {
        return CompletableFuture.supplyAsync(() -> new ArrayList<>(users.keySet()), blockingCalls);
    }

    @Override
    public CompletionStage<Map<String, Boolean>> areOnline(Collection<String> usernames) {
        return users.submitToKeys(new HashSet<>(usernames), new OnlineProbe())
                .thenApply(found -> {
                    Map<String, Boolean> answer = new HashMap<>();
                    found.forEach((name, online) -> answer.put(name, Boolean.TRUE.equals(online)));
                    return answer;
                });
    }

    @Override
    public CompletionStage<Set<String>> heldHere() {
        UUID me = localMember();
        return CompletableFuture.supplyAsync(() -> new HashSet<>(users.keySet(new HeldByPredicate(me))), blockingCalls);
    }

    @Override
    public CompletionStage<Void> dropDepartedHolders() {
        Set<Member> members = hazelcast.getCluster().getMembers();
        // the oldest member does this for everyone: one pass over the map per interval, not one per node
        if (members.isEmpty() || !members.iterator().next().localMember()) {
            return CompletableFuture.completedFuture(null);
        }
        Set<UUID> live = new HashSet<>();
        members.forEach(m -> live.add(m.getUuid()));
        return CompletableFuture.runAsync(() -> publishAll(users.executeOnEntries(new DropDepartedProcessor(live, nowMicros())),
                "members that left"), blockingCalls);
    }

    private int publishAll(Map<String, ChangeMessage> results, String cause) {
        int published = 0;
        for (ChangeMessage change : results.values()) {
            if (change != null) {
                changes.publish(change);
                published++;
            }
        }
        if (published > 0) {
            int count = published;
            LOG.info(() -> "released " + count + " users held by " + cause);
        }
        return published;
    }

    /** Removes a departed member from every entry and publishes the logouts that causes. */
    private void releaseEverythingHeldBy(UUID member) {
        try {
            publishAll(users.executeOnEntries(HoldProcessor.release(member, nowMicros())), "departed member " + member);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not release the users of departed member " + member, e);
        }
    }

    private UUID localMember() {
        // looked up each time: the local UUID changes when a split-brain merge restarts the member
        return hazelcast.getCluster().getLocalMember().getUuid();
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void close() {
        if (hazelcast.getLifecycleService().isRunning()) {
            if (topicRegistration != null) {
                changes.removeMessageListener(topicRegistration);
            }
            if (membershipRegistration != null) {
                hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            }
        }
        blockingCalls.shutdown();
        try {
            blockingCalls.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
