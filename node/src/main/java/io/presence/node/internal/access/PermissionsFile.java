package io.presence.node.internal.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A permissions file (deepstream's YAML, or JSON) and the rules compiled from it, read again
 * when it changes: a file that no longer compiles keeps the rules in force and says why.
 * {@link #current()} may be called from any thread.
 */
public final class PermissionsFile {

    private static final Logger LOG = LoggerFactory.getLogger(PermissionsFile.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path path;
    private volatile PresencePermissions current;
    private FileTime readAt;

    /** Reads and compiles the file now. @throws PermissionsException when it cannot be used */
    public PermissionsFile(Path path) {
        this.path = path;
        this.current = read();
    }

    public PresencePermissions current() {
        return current;
    }

    /** Reads the file again if it changed since; returns whether new rules are in force. Blocking: not on an event loop. */
    public synchronized boolean reloadIfChanged() {
        try {
            if (Files.getLastModifiedTime(path).equals(readAt)) {
                return false;
            }
            current = read();
            LOG.atInfo().log(() -> "permissions reloaded from " + path);
            return true;
        } catch (IOException | PermissionsException e) {
            LOG.warn("permissions in " + path + " not reloaded; the earlier rules stay in force: " + e.getMessage());
            return false;
        }
    }

    private PresencePermissions read() {
        try {
            FileTime modified = Files.getLastModifiedTime(path);
            PresencePermissions compiled = PresencePermissions.compile(path.toString(), YAML.readValue(path.toFile(), Object.class));
            readAt = modified;
            return compiled;
        } catch (IOException e) {
            throw new PermissionsException(path.toString(), List.of("cannot read it: " + e.getMessage()));
        }
    }
}
