package io.presence.protocol;

/**
 * One protocol message, whichever endpoint it travelled over. Both codecs map frames to and from
 * these records; nothing past a codec sees bytes. Fields holding {@code data} carry JSON text.
 */
public sealed interface Message permits ConnectionMessage, AuthMessage, PresenceMessage, ParserMessage {

    Topic topic();

    /** The action's number on the wire. */
    int actionCode();
}
