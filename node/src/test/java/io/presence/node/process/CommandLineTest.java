package io.presence.node.process;

import io.presence.node.internal.auth.PasswordHash;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's command line in a JVM of its own: the password hash command, and start-up errors. */
@Tag("process")
class CommandLineTest {

    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    private Result main(Map<String, String> environment, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.presence.node.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the command did not end within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void hashPasswordPrintsAHashOfThePasswordOnStandardInputWithTheConfiguredSettings() throws Exception {
        Result result = main(Map.of("PRESENCE_AUTH_FILE_HASH", "sha256", "PRESENCE_AUTH_FILE_ITERATIONS", "1000"),
                "s3cret words\n", "hash-password");
        assertEquals(0, result.exitCode(), result.err());
        String hash = result.out().trim();
        assertTrue(new PasswordHash("sha256", 1000, 32).matches("s3cret words", hash), hash);
        assertTrue(!new PasswordHash("md5", 100, 32).matches("s3cret words", hash), "made with the configured digest");
    }

    @Test
    void helpPrintsTheUsageAndAnythingUnknownIsRefusedWithItRatherThanIgnored() throws Exception {
        Result help = main(Map.of(), "", "--help");
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().contains("usage: java -jar presence-node.jar") && help.out().contains("hash-password"), help.out());

        Result setting = main(Map.of(), "", "--port", "7000");
        assertEquals(2, setting.exitCode());
        assertTrue(setting.err().contains("unknown argument '--port'") && setting.err().contains("usage:"), setting.err());
        Result command = main(Map.of(), "", "data-membr");
        assertEquals(2, command.exitCode());
        assertTrue(command.err().contains("unknown command 'data-membr'"), command.err());
        Result noFile = main(Map.of(), "", "--config");
        assertEquals(2, noFile.exitCode());
        assertTrue(noFile.err().contains("--config needs a file"), noFile.err());
    }

    @Test
    void aUsersFileThatCannotBeUsedStopsTheStartWithItsProblemsAndExitCode2() throws Exception {
        Path users = Files.writeString(dir.resolve("users.yml"), "ann:\n  clientData: {}\n");
        Result result = main(Map.of("PRESENCE_AUTH", "file", "PRESENCE_AUTH_FILE_USERS", users.toString(),
                "PRESENCE_PORT", "0", "PRESENCE_CLUSTER_NAME", "cli-test-" + ProcessHandle.current().pid(),
                "PRESENCE_HAZELCAST_PORT", "5951"), "");
        assertEquals(2, result.exitCode(), result.err());
        assertTrue(result.err().contains("user 'ann' has no password"), result.err());
    }
}
