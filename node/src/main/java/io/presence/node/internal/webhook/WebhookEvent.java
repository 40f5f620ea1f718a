package io.presence.node.internal.webhook;

/**
 * A cluster-wide login ({@code online}) or logout of {@code user} that this node is to send.
 * {@code version} orders a user's transitions and is the cluster's decision time in microseconds.
 * {@code behind}: older events of the same user were still undelivered when this one was
 * recorded, so it waits until they are.
 */
public record WebhookEvent(String user, boolean online, long version, boolean behind) {

    /** What a receiver drops duplicates by: the user and the version. */
    public String id() {
        return user + ":" + version;
    }

    /** When the cluster decided it, in milliseconds since the epoch. */
    public long atMillis() {
        return version / 1000;
    }

    /** The user, online or offline, and the version: how the logs name an event. */
    public String brief() {
        return user + (online ? " online v" : " offline v") + version;
    }
}
