package io.presence.node.internal.session;

import io.presence.protocol.Message;
import io.presence.protocol.PresenceMessage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/** A connection that records what a session sends and queues what it hands to the event loop, for the test to run. */
final class FakeConnection implements Connection {

    final List<Message> sent = new ArrayList<>();
    final Queue<Runnable> eventLoop = new ArrayDeque<>();
    Short closedWith;
    int pings;
    /** How often the session said it logged in (its login-only state may go). */
    int loggedIn;

    @Override
    public void send(Message message) {
        sent.add(message);
    }

    @Override
    public void sendNotification(Notification notification) {
        sent.add(notification.message());
    }

    @Override
    public void sendOnline(OnlineAnswer answer) {
        sent.add(PresenceMessage.queryAllResponse(answer.correlationId(), answer.names()));
    }

    @Override
    public void execute(Runnable task) {
        eventLoop.add(task);
    }

    @Override
    public void ping() {
        pings++;
    }

    @Override
    public void close(short status, String reason) {
        closedWith = status;
    }

    @Override
    public String describe() {
        return "fake connection";
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1";
    }

    @Override
    public Map<String, String> headers() {
        return Map.of();
    }

    @Override
    public void loggedIn() {
        loggedIn++;
    }

    /** Runs what the session handed to the event loop. */
    void runEventLoop() {
        Runnable task;
        while ((task = eventLoop.poll()) != null) {
            task.run();
        }
    }
}
