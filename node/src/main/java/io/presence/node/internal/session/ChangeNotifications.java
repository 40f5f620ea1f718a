package io.presence.node.internal.session;

import io.presence.protocol.PresenceMessage;
import io.presence.protocol.PresenceMessage.Action;

/**
 * The notifications of the change being delivered, made once for all its subscribers: the
 * presence thread tells every subscriber of one change in a row, so remembering the last one of
 * each kind is enough. Called on the presence thread only.
 */
final class ChangeNotifications {

    private static final Action[] KINDS = {Action.PRESENCE_JOIN_ALL, Action.PRESENCE_LEAVE_ALL,
            Action.PRESENCE_JOIN, Action.PRESENCE_LEAVE};

    /** The last notification made of each kind, by its index in {@link #KINDS}. */
    private final Notification[] last = new Notification[KINDS.length];

    Notification of(Action action, String name, long decidedAt) {
        int kind = kind(action);
        Notification previous = last[kind];
        if (previous != null && previous.decidedAt() == decidedAt && previous.message().name().equals(name)) {
            return previous;
        }
        Notification made = new Notification(PresenceMessage.named(action, name), decidedAt);
        last[kind] = made;
        return made;
    }

    private static int kind(Action action) {
        for (int i = 0; i < KINDS.length; i++) {
            if (KINDS[i] == action) {
                return i;
            }
        }
        throw new IllegalArgumentException(action + " is not a notification");
    }
}
