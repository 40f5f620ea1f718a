package io.presence.node.internal.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.presence.node.internal.login.Authenticator;
import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import io.presence.protocol.JsonText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code file} strategy: users from a file in deepstream's users.yml format (YAML or JSON),
 * per username a {@code password} (a {@link PasswordHash}, or clear text with hash {@code none}),
 * {@code clientData} (returned on login) and {@code serverData} (for permission rules). A login
 * with a username the file lacks, or without username and password, is passed on. The file is
 * read again when it changes; one that no longer reads keeps the users in force.
 */
final class FileStrategy implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(FileStrategy.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String MISSING = JsonText.write(Map.of("error", "missing authentication parameter: username or/and password"));
    private static final String INVALID = JsonText.write(Map.of("error", "invalid authentication data"));

    private record User(String password, String clientData, String serverData) {
    }

    private final Path file;
    /** Null for clear-text passwords. */
    private final PasswordHash hash;
    /** Hashing is CPU work: not on the event loop that asked. */
    private final Executor hashing;
    private volatile Map<String, User> users;
    /** A stored password no one has: checked against for usernames the file lacks. */
    private final String decoy;
    private FileTime readAt;

    /** @throws IllegalArgumentException when the file cannot be used, with every problem found */
    FileStrategy(Path file, PasswordHash hash, Executor hashing) {
        this.file = file;
        this.hash = hash;
        this.hashing = hashing;
        this.users = read();
        this.decoy = hash == null ? "decoy" : hash.hash("decoy " + System.nanoTime());
    }

    @Override
    public CompletionStage<LoginOutcome> authenticate(LoginRequest request) {
        String username = request.text("username");
        String password = request.text("password");
        if (username == null || password == null) {
            return CompletableFuture.completedFuture(new LoginOutcome.Unknown(MISSING));
        }
        User user = users.get(username);
        try {
            if (user == null) {
                // the same work as for a user who exists, so that the answer's time tells nothing
                return CompletableFuture.supplyAsync(() -> {
                    matches(password, decoy);
                    return new LoginOutcome.Unknown(INVALID);
                }, hashing);
            }
            return CompletableFuture.supplyAsync(() -> matches(password, user.password())
                    ? new LoginOutcome.Accepted(username, user.clientData(), user.serverData())
                    : new LoginOutcome.Refused(INVALID), hashing);
        } catch (RejectedExecutionException full) {
            return CompletableFuture.completedFuture(new LoginOutcome.Throttled(
                    "too many passwords are being checked on this node; try again in a moment", 1000));
        }
    }

    private boolean matches(String password, String stored) {
        if (hash != null) {
            return hash.matches(password, stored);
        }
        return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the file again if it changed; blocking, not on an event loop. */
    synchronized void reloadIfChanged() {
        try {
            if (!Files.getLastModifiedTime(file).equals(readAt)) {
                users = read();
                LOG.atInfo().log(() -> "users reloaded from " + file + " (" + users.size() + ")");
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("users in " + file + " not reloaded; the earlier ones stay in force: " + e.getMessage());
        }
    }

    private Map<String, User> read() {
        List<String> problems = new ArrayList<>();
        Map<String, User> read = new HashMap<>();
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Object root = YAML.readValue(file.toFile(), Object.class);
            if (!(root instanceof Map<?, ?> entries) || entries.isEmpty()) {
                throw new IllegalArgumentException("the users file " + file + " must map usernames to their entries");
            }
            entries.forEach((name, entry) -> {
                if (entry instanceof Map<?, ?> fields && fields.get("password") instanceof String password) {
                    read.put(String.valueOf(name), new User(password, json(fields.get("clientData")), json(fields.get("serverData"))));
                } else {
                    problems.add("user '" + name + "' has no password");
                }
            });
            readAt = modified;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the users file " + file + ": " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the users file " + file + ": " + String.join("; ", problems));
        }
        return Map.copyOf(read);
    }

    private static String json(Object value) {
        return value == null ? null : JsonText.write(value);
    }
}
