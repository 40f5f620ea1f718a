package io.presence.node.internal.auth;

import io.presence.node.internal.login.LoginOutcome;
import io.presence.node.internal.login.LoginRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class FileStrategyTest {

    private static final PasswordHash DEEPSTREAM_DEFAULTS = new PasswordHash("md5", 100, 32);

    @TempDir
    Path dir;

    private static LoginOutcome login(FileStrategy strategy, Map<String, Object> authData) throws Exception {
        return strategy.authenticate(new LoginRequest(authData, null, "127.0.0.1", Map.of()))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Path usersFile(String yaml) throws IOException {
        return Files.writeString(dir.resolve("users.yml"), yaml);
    }

    @Test
    void aUsersFileInDeepstreamsFormatLogsItsUsersInWithTheirData() throws Exception {
        Path users = usersFile("""
                chris:
                  password: "%s"
                  clientData:
                    favouriteColour: red
                  serverData:
                    role: admin
                fred:
                  password: "%s"
                """.formatted(DEEPSTREAM_DEFAULTS.hash("chris-pw"), DEEPSTREAM_DEFAULTS.hash("fred-pw")));
        FileStrategy strategy = new FileStrategy(users, DEEPSTREAM_DEFAULTS, Runnable::run);

        LoginOutcome.Accepted chris = assertInstanceOf(LoginOutcome.Accepted.class,
                login(strategy, Map.of("username", "chris", "password", "chris-pw")));
        assertEquals("chris", chris.username());
        assertEquals("{\"favouriteColour\":\"red\"}", chris.clientData());
        assertEquals("{\"role\":\"admin\"}", chris.serverData());

        LoginOutcome.Accepted fred = assertInstanceOf(LoginOutcome.Accepted.class,
                login(strategy, Map.of("username", "fred", "password", "fred-pw")));
        assertNull(fred.clientData());
    }

    @Test
    void aWrongPasswordIsRefusedAndAnUnknownUserPassedOn() throws Exception {
        Path users = usersFile("chris:\n  password: \"" + DEEPSTREAM_DEFAULTS.hash("right") + "\"\n");
        FileStrategy strategy = new FileStrategy(users, DEEPSTREAM_DEFAULTS, Runnable::run);

        LoginOutcome.Refused wrong = assertInstanceOf(LoginOutcome.Refused.class,
                login(strategy, Map.of("username", "chris", "password", "wrong")));
        assertTrue(wrong.clientData().contains("invalid authentication data"), wrong.clientData());
        assertInstanceOf(LoginOutcome.Unknown.class, login(strategy, Map.of("username", "nobody", "password", "right")));
        assertInstanceOf(LoginOutcome.Unknown.class, login(strategy, Map.of("username", "chris")));
    }

    @Test
    void anUnknownUsersPasswordIsHashedTooSoThatTheAnswersTimeTellsNothing() throws Exception {
        Path users = usersFile("chris:\n  password: \"" + DEEPSTREAM_DEFAULTS.hash("right") + "\"\n");
        AtomicInteger hashed = new AtomicInteger();
        FileStrategy strategy = new FileStrategy(users, DEEPSTREAM_DEFAULTS, task -> {
            hashed.incrementAndGet();
            task.run();
        });
        login(strategy, Map.of("username", "chris", "password", "wrong"));
        assertEquals(1, hashed.get());
        assertInstanceOf(LoginOutcome.Unknown.class, login(strategy, Map.of("username", "nobody", "password", "wrong")));
        assertEquals(2, hashed.get(), "an unknown user costs one password check, as a known one does");
    }

    @Test
    void aFullHashingQueueTellsTheLoginToTryAgainInsteadOfQueueing() throws Exception {
        Path users = usersFile("chris:\n  password: \"" + DEEPSTREAM_DEFAULTS.hash("right") + "\"\n");
        FileStrategy strategy = new FileStrategy(users, DEEPSTREAM_DEFAULTS, task -> {
            throw new RejectedExecutionException("full");
        });
        LoginOutcome.Throttled busy = assertInstanceOf(LoginOutcome.Throttled.class,
                login(strategy, Map.of("username", "chris", "password", "right")));
        assertTrue(busy.reason().contains("try again"), busy.reason());
    }

    @Test
    void withHashNoneThePasswordsAreClearText() throws Exception {
        FileStrategy strategy = new FileStrategy(usersFile("ann: { password: plain }\n"), null, Runnable::run);
        assertInstanceOf(LoginOutcome.Accepted.class, login(strategy, Map.of("username", "ann", "password", "plain")));
        assertInstanceOf(LoginOutcome.Refused.class, login(strategy, Map.of("username", "ann", "password", "plai")));
    }

    @Test
    void aChangedFileIsReadAgainAndABrokenOneKeepsTheUsersInForce() throws Exception {
        Path users = usersFile("ann: { password: one }\n");
        FileStrategy strategy = new FileStrategy(users, null, Runnable::run);

        Files.writeString(users, "ann: { password: two }\nbob: { password: three }\n");
        Files.setLastModifiedTime(users, FileTime.from(Instant.now().plusSeconds(5)));
        strategy.reloadIfChanged();
        assertInstanceOf(LoginOutcome.Refused.class, login(strategy, Map.of("username", "ann", "password", "one")));
        assertInstanceOf(LoginOutcome.Accepted.class, login(strategy, Map.of("username", "ann", "password", "two")));
        assertInstanceOf(LoginOutcome.Accepted.class, login(strategy, Map.of("username", "bob", "password", "three")));

        Files.writeString(users, "ann: [not, an, entry\n");
        Files.setLastModifiedTime(users, FileTime.from(Instant.now().plusSeconds(10)));
        strategy.reloadIfChanged();
        assertInstanceOf(LoginOutcome.Accepted.class, login(strategy, Map.of("username", "ann", "password", "two")));
    }

    @Test
    void aFileWithAUserWithoutPasswordIsRefusedAtStartWithItsName() throws Exception {
        Path users = usersFile("ann: { clientData: {} }\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FileStrategy(users, null, Runnable::run));
        assertTrue(e.getMessage().contains("'ann' has no password"), e.getMessage());
    }
}
