package io.presence.client.faults;

import io.presence.client.ConnectionChange;
import io.presence.client.ConnectionListener;
import io.presence.client.ConnectionState;
import io.presence.client.PresenceClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A user on a Java SDK client, as an application runs one: it picks a node at random, reconnects
 * elsewhere when it loses it and logs in again by itself. A subscriber records what it hears,
 * one {@link History.Segment} per connection, since events missed between two are not resent.
 */
final class SdkUser {

    final String user;
    final History.Life life;
    final boolean subscriber;
    private final PresenceClient client;
    private volatile History.Segment segment;

    private SdkUser(String user, boolean subscriber, List<String> urls, History history) {
        this.user = user;
        this.subscriber = subscriber;
        this.life = new History.Life(user, -1, History.Way.SDK, System.currentTimeMillis());
        history.lives.add(life);
        this.client = PresenceClient.builder().urls(urls)
                .heartbeatInterval(Duration.ofSeconds(2)).reconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(5))
                .connectionListener(new ConnectionListener() {
                    @Override
                    public void onChange(ConnectionChange change) {
                        if (subscriber && change.previous() != change.current()) {
                            newSegment(change.current() == ConnectionState.CONNECTED, history);
                        }
                    }
                }).build();
    }

    /**
     * Logs {@code user} in (waiting up to 20 s; it goes on trying after that), subscribed to
     * everyone ({@code names} null) or to {@code names} when a subscriber.
     */
    static SdkUser open(String user, boolean subscriber, List<String> names, List<String> urls, History history) {
        SdkUser sdk = new SdkUser(user, subscriber, urls, history);
        if (subscriber) {
            if (names == null) {
                sdk.client.presence().subscribe(sdk::heard);
            } else {
                names.forEach(name -> sdk.client.presence().subscribe(name, sdk::heard));
            }
        }
        try {
            sdk.client.login(Map.of("username", user)).get(20, TimeUnit.SECONDS);
            sdk.life.opened = System.currentTimeMillis();
            history.logins.incrementAndGet();
        } catch (Exception e) {
            history.failedLogins.incrementAndGet();
            history.note("SDK login of " + user + " not done within 20 s: " + e);
        }
        return sdk;
    }

    /** Runs on the client's callback thread, in order with the events. */
    private void newSegment(boolean connected, History history) {
        History.Segment last = segment;
        if (last != null) {
            last.end = System.currentTimeMillis();
            segment = null;
        }
        if (connected) {
            History.Segment next = new History.Segment(user, -1, System.currentTimeMillis());
            history.segments.add(next);
            segment = next;
        }
    }

    private void heard(String name, boolean online) {
        History.Segment s = segment;
        if (s != null) {
            s.add(name, online);
        }
    }

    boolean connected() {
        return client.state() == ConnectionState.CONNECTED;
    }

    PresenceClient client() {
        return client;
    }

    /** Logs out for good. */
    void close() {
        life.closed = System.currentTimeMillis();
        client.close();
    }
}
