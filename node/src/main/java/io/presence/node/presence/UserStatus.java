package io.presence.node.presence;

/**
 * One user as this node's view knows it: online or not, and since when (the cluster's decision
 * of the last login or logout, wall clock in milliseconds). A user never seen, or whose logout
 * is no longer remembered, has no status.
 */
public record UserStatus(boolean online, long sinceMillis) {
}
