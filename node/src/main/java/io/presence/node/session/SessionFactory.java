package io.presence.node.session;

import io.presence.node.presence.PresenceService;

import java.util.function.LongSupplier;

/** Makes the session of each accepted connection and lists it in the registry while it is open. */
public final class SessionFactory {

    private final PresenceService presence;
    private final Authenticator authenticator;
    private final SessionSettings settings;
    private final LongSupplier clock;
    private final SessionRegistry registry;

    /** @param clock a monotonic clock in milliseconds; the registry's sweep must pass the same one's time */
    public SessionFactory(PresenceService presence, Authenticator authenticator, SessionSettings settings,
                          LongSupplier clock, SessionRegistry registry) {
        this.presence = presence;
        this.authenticator = authenticator;
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
    }

    public Session open(Connection connection) {
        Session session = new Session(connection, presence, authenticator, settings, clock, registry);
        registry.add(session);
        return session;
    }
}
