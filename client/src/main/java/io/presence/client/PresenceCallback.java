package io.presence.client;

/** Told when a user logs in or out: {@code callback(username, isLoggedIn)}. */
@FunctionalInterface
public interface PresenceCallback {

    void onPresenceChange(String username, boolean isLoggedIn);
}
