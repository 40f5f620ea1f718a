package io.presence.node.internal.cluster;

import io.presence.node.support.InJvmNodes;
import io.presence.node.support.TestClient;
import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.presence.node.support.TestClient.presence;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a logout grace period, the users of a member that crashed stay online that long: clients
 * that reconnect to another node within it cause no events at all (a reconnect storm is silent);
 * those that do not come back are logged out once, when it ends.
 */
@Tag("in-jvm")
class DepartedMemberGraceTest {

    @RegisterExtension
    final InJvmNodes nodes = InJvmNodes.of(3, Map.of("logout.grace.ms", String.valueOf(GRACE)));

    // Long enough that a loaded machine gets the crashed client closed and logged in elsewhere
    // well inside it; the test checks that it did rather than assuming so.
    private static final long GRACE = 4_000;

    @Test
    void usersWhoReconnectElsewhereWithinTheGraceCauseNoEventsAndTheOthersLeaveOnceItEnds() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String back = "back-" + tag;
        String gone = "gone-" + tag;
        TestClient watcher = nodes.clients().login(0, "watcher-" + tag);
        watcher.subscribeAll();
        TestClient backOn2 = nodes.clients().loginUntracked(2, back);
        TestClient goneOn2 = nodes.clients().loginUntracked(2, gone);
        watcher.expect(presence(Action.PRESENCE_JOIN_ALL, back));
        watcher.expect(presence(Action.PRESENCE_JOIN_ALL, gone));

        long crashedAt = System.currentTimeMillis();
        nodes.cluster().crash(2);
        backOn2.awaitClosed();
        nodes.clients().login(1, back);
        long backAfter = System.currentTimeMillis() - crashedAt;
        assertTrue(backAfter < GRACE, "the reconnect came after the grace period: " + backAfter + " ms");

        watcher.expect(presence(Action.PRESENCE_LEAVE_ALL, gone));
        long leftAfter = System.currentTimeMillis() - crashedAt;
        assertTrue(leftAfter >= GRACE, "not before the grace period ended: " + leftAfter + " ms");
        await().during(Duration.ofMillis(1_000)).atMost(TestClient.WAIT)
                .alias("no event about " + back + " (reconnected " + backAfter + " ms after the crash)")
                .until(() -> watcher.count(m -> m instanceof PresenceMessage p && back.equals(p.name())) == 0);
        List<String> online = watcher.queryAll();
        assertTrue(online.contains(back) && !online.contains(gone), () -> "getAll: " + online);
        assertEquals(0, watcher.count(presence(Action.PRESENCE_LEAVE_ALL, gone)), "one leave, already taken");
        goneOn2.close();
        backOn2.close();
    }
}
