package io.presence.node.access;

/** The presence requests that permissions decide, as deepstream's rules name them. */
public enum PresenceAction {
    SUBSCRIBE, SUBSCRIBE_ALL, QUERY, QUERY_ALL
}
