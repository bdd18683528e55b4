package no.vakt.traffic;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.vakt.cluster.Sleeper;
import no.vakt.config.VaktConfig;

/**
 * Anything else, done by a program of the operator's: run with an argument list (never through a
 * shell), placeholders substituted per argument:
 * <pre>
 * - type: command
 *   command: [/usr/local/bin/move-vip, --to, "{address}", --epoch, "{epoch}"]
 *   show-command: [/usr/local/bin/move-vip, --show]       # optional: prints the current address
 *   verify-command: [/usr/local/bin/check-vip, "{address}"] # optional: exit 0 once visible
 *   targets: {oslo-db: 10.0.0.10, bergen-db: 10.1.0.10}    # {address}; default: the node's MySQL host
 *   timeout: 60s
 *   retryable-exit-codes: [75]                             # EX_TEMPFAIL; others fail at once
 * </pre>
 * Placeholders: {node}, {address}, {epoch}, {cluster} in {@code command}; {node}, {address}, {cluster}
 * in {@code verify-command}; {cluster} in {@code show-command}. The same values are also in the
 * environment as VAKT_NODE, VAKT_ADDRESS, VAKT_EPOCH, VAKT_CLUSTER.
 */
public record CommandEntry(
        List<String> command,
        List<String> showCommand,
        List<String> verifyCommand,
        Map<String, String> targets,
        Duration timeout,
        List<Integer> retryableExitCodes)
        implements TrafficEntry {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** sysexits.h EX_TEMPFAIL: "temporary failure, the user is invited to retry". */
    static final int EX_TEMPFAIL = 75;

    static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z-]*)}");

    public CommandEntry {
        command = argv("command", command, Set.of("node", "address", "epoch", "cluster"), true);
        showCommand = argv("show-command", showCommand, Set.of("cluster"), false);
        verifyCommand = argv("verify-command", verifyCommand, Set.of("node", "address", "cluster"), false);
        targets = EntryChecks.targets("command", "targets", targets);
        timeout = EntryChecks.positive("command", "timeout", timeout, DEFAULT_TIMEOUT);
        retryableExitCodes = retryableExitCodes != null ? List.copyOf(retryableExitCodes) : List.of(EX_TEMPFAIL);
        for (Integer code : retryableExitCodes) {
            if (code == null || code < 1 || code > 255) {
                throw new IllegalArgumentException("command entry: retryable-exit-codes holds exit codes 1..255; got " + code);
            }
        }
    }

    private static List<String> argv(String key, List<String> argv, Set<String> allowed, boolean required) {
        if (argv == null || argv.isEmpty()) {
            if (required) {
                throw new IllegalArgumentException("command entry: expected " + key
                        + ": [PROGRAM, ARG, ...], for example [/usr/local/bin/move-vip, \"{address}\"]");
            }
            return argv == null ? null : List.of();
        }
        if (argv.get(0) == null || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("command entry: " + key + " starts with the program to run; it is empty");
        }
        if (PLACEHOLDER.matcher(argv.get(0)).find()) {
            throw new IllegalArgumentException("command entry: " + key + ": the program itself cannot be a placeholder");
        }
        for (String arg : argv) {
            if (arg == null) throw new IllegalArgumentException("command entry: " + key + " has an empty argument");
            Matcher m = PLACEHOLDER.matcher(arg);
            while (m.find()) {
                if (!allowed.contains(m.group(1))) {
                    throw new IllegalArgumentException("command entry: " + key + " uses {" + m.group(1) + "}; allowed there: "
                            + allowed.stream().sorted().map(a -> "{" + a + "}").toList());
                }
            }
        }
        return List.copyOf(argv);
    }

    @Override
    public TrafficProvider open(VaktConfig config) throws TrafficException {
        EntryTargets resolved = EntryTargets.resolve("command " + program(), targets, config, n -> n.mysql().host());
        return new CommandProvider(this, resolved, config.cluster(), Clock.systemUTC(), Sleeper.REAL);
    }

    String program() {
        String p = command.get(0);
        int slash = p.lastIndexOf('/');
        return slash >= 0 ? p.substring(slash + 1) : p;
    }
}
