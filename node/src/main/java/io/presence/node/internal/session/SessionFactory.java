package io.presence.node.internal.session;

import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.metrics.NodeMetrics;
import io.presence.node.internal.access.PresencePermissions;
import io.presence.node.internal.presence.Disconnects;
import io.presence.node.internal.presence.PresenceService;
import io.presence.node.internal.presence.UserData;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Makes the session of each accepted connection and lists it in the registry while it is open. */
public final class SessionFactory {

    private final PresenceService presence;
    private final Authenticator authenticator;
    private final SessionSettings settings;
    private final LongSupplier clock;
    private final SessionRegistry registry;
    private final Supplier<PresencePermissions> permissions;
    private final NodeMetrics metrics;
    private final Disconnects disconnects;
    private final UserData userData;
    /** Shared by every session: each change's notifications are made once. */
    private final ChangeNotifications notifications = new ChangeNotifications();

    /**
     * @param clock       a monotonic clock in milliseconds; the registry's sweep must pass the same one's time
     * @param permissions the presence rules in force, asked at every request (they may be reloaded)
     * @param disconnects whose logins are refused for now (a disconnect order said so)
     * @param userData    where each login's user data is kept for queries
     */
    public SessionFactory(PresenceService presence, Authenticator authenticator, SessionSettings settings,
                          LongSupplier clock, SessionRegistry registry, Supplier<PresencePermissions> permissions,
                          Disconnects disconnects, UserData userData, NodeMetrics metrics) {
        this.disconnects = disconnects;
        this.userData = userData;
        this.metrics = metrics;
        this.presence = presence;
        this.authenticator = authenticator;
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
        this.permissions = permissions;
    }

    public Session open(Connection connection) {
        Session session = new Session(connection, presence, authenticator, settings, clock, registry, permissions,
                disconnects, userData, notifications, metrics);
        registry.add(session);
        return session;
    }
}
