package io.presence.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presence.node.internal.cluster.MemberDirectory;
import io.presence.node.internal.presence.PresenceService;
import io.presence.node.internal.presence.TransitionHistory;
import io.presence.node.internal.session.SessionRegistry;
import io.presence.node.internal.transport.NodeOperations;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures the live page shows, as JSON: this member's own (which every member publishes to
 * the others), and the cluster's as this node sees it.
 */
final class NodeStatus {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(NodeStatus.class);

    private final String httpAddress;
    private final String jsonPath;
    private final long startedAt = System.currentTimeMillis();
    private final SessionRegistry sessions;
    private final PresenceService presence;
    private final MemberDirectory directory;
    private final Supplier<NodeOperations.Readiness> readiness;
    private final IntSupplier connections;

    NodeStatus(String httpAddress, String jsonPath, SessionRegistry sessions, PresenceService presence,
               MemberDirectory directory, Supplier<NodeOperations.Readiness> readiness, IntSupplier connections) {
        this.httpAddress = httpAddress;
        this.jsonPath = jsonPath;
        this.sessions = sessions;
        this.presence = presence;
        this.directory = directory;
        this.readiness = readiness;
        this.connections = connections;
    }

    /** Tells the other members this one's figures (the live page's member list). */
    void publishOwnFigures() {
        directory.publish(ownFigures()).whenComplete((v, failure) -> {
            if (failure != null) {
                LOG.atDebug().log(() -> "figures not published: " + failure);
            }
        });
    }

    /** What this member tells the others about itself. */
    String ownFigures() {
        ObjectNode figures = JSON.createObjectNode();
        NodeOperations.Readiness now = readiness.get();
        figures.put("http", httpAddress);
        figures.put("ready", now.ready());
        figures.put("state", now.state());
        figures.put("connections", connections.getAsInt());
        figures.put("sessions", sessions.loggedInNamed() + sessions.loggedInAnonymous());
        figures.put("anonymous", sessions.loggedInAnonymous());
        figures.put("awaitingLogin", sessions.awaitingLogin());
        figures.put("usersHere", presence.usersHere());
        figures.put("subscriptions", presence.subscriptionsNow());
        figures.put("startedAt", startedAt);
        figures.put("publishedAt", System.currentTimeMillis());
        return write(figures);
    }

    /** Users online (a count only: names go to clients under the presence rules), members, and activity. */
    CompletionStage<String> clusterStatus() {
        return directory.members().thenApply(this::clusterStatus);
    }

    private String clusterStatus(List<MemberDirectory.Entry> members) {
        ObjectNode status = JSON.createObjectNode();
        status.put("time", System.currentTimeMillis());
        status.put("online", presence.online().names().size());
        status.put("jsonPath", jsonPath);
        ArrayNode list = status.putArray("members");
        for (MemberDirectory.Entry member : members) {
            ObjectNode m = list.addObject();
            m.put("id", member.id());
            m.put("cluster", member.address());
            m.put("self", member.local());
            if (member.figures() == null) {
                // a member that stopped publishing (hung, or just joined) is listed, without figures
                m.put("stale", true);
            } else {
                m.put("stale", false);
                m.set("figures", read(member.figures()));
            }
        }
        TransitionHistory.Window window = presence.history().window();
        ObjectNode activity = status.putObject("activity");
        activity.put("lastSecond", window.lastSecond());
        ArrayNode logins = activity.putArray("logins");
        ArrayNode logouts = activity.putArray("logouts");
        for (int i = 0; i < window.logins().length; i++) {
            logins.add(window.logins()[i]);
            logouts.add(window.logouts()[i]);
        }
        return write(status);
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
