package io.presence.node.internal.presence;

/**
 * A user's latest transition as this node's view knows it: a login ({@code online}) or a logout,
 * and when the cluster decided it (wall clock, milliseconds). A user never seen, or whose logout
 * is no longer remembered, has none.
 */
public record LastTransition(boolean online, long atMillis) {
}
