package io.presence.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code presence-node.jar} was asked to do: a command (run a node, a data member, or hash a
 * password) and its one option, {@code --config FILE}. Anything else is refused with the usage,
 * so that a setting given as an argument ({@code --port 7000}) is not silently dropped: settings
 * come from the config file and {@code PRESENCE_*} variables.
 */
record CommandLine(Command command, Optional<Path> configFile) {

    enum Command { NODE, DATA_MEMBER, HASH_PASSWORD, HELP }

    static final String USAGE = """
            usage: java -jar presence-node.jar [data-member | hash-password] [--config FILE]
                   java -jar presence-node.jar --help

              (no command)    run a presence node
              data-member     run a data member for nodes in client mode (cluster.mode=client)
              hash-password   print a users-file hash of the password read from standard input
              --config FILE   node settings (a properties file); PRESENCE_CONFIG names one too
              --help          this text

            Every setting can also be given as an environment variable: PRESENCE_ and the key in
            capitals with _ for . (PRESENCE_PORT=7000). The settings and their defaults: README.md.
            """;

    /** @throws IllegalArgumentException saying what is wrong with {@code args} */
    static CommandLine parse(String[] args) {
        List<String> rest = List.of(args);
        Command command = Command.NODE;
        if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
            command = switch (rest.get(0)) {
                case "data-member" -> Command.DATA_MEMBER;
                case "hash-password" -> Command.HASH_PASSWORD;
                default -> throw new IllegalArgumentException("unknown command '" + rest.get(0) + "'");
            };
            rest = rest.subList(1, rest.size());
        }
        Optional<Path> config = Optional.empty();
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return new CommandLine(Command.HELP, Optional.empty());
            } else if (arg.equals("--config") && i + 1 < rest.size() && config.isEmpty()) {
                config = Optional.of(Path.of(rest.get(++i)));
            } else if (arg.equals("--config")) {
                throw new IllegalArgumentException(config.isPresent() ? "--config given twice" : "--config needs a file");
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "' (settings go in the config file or"
                        + " PRESENCE_* variables)");
            }
        }
        return new CommandLine(command, config);
    }
}
