package no.vakt.traffic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import no.vakt.cluster.Sleeper;
import no.vakt.process.BoundedProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator's program to move traffic. Exit 0 is success; a timeout or an exit code listed in
 * {@code retryable-exit-codes} is retryable; any other exit fails at once, with the scrubbed end of
 * stderr in the message. Without a {@code show-command} Vakt cannot tell whether traffic already
 * points there, so it always runs the command: the program itself must be safe to run twice.
 */
final class CommandProvider extends PolledProvider<CommandEntry> {
    private static final Logger LOG = LoggerFactory.getLogger(CommandProvider.class);
    // Operator scripts are slower than an API; one check a second is plenty.
    private static final Duration POLL = Duration.ofSeconds(1);
    // A "where does it point" answer is a line or two; more is noise.
    private static final int MAX_SHOW_LINES = 10;

    private final String cluster;

    CommandProvider(CommandEntry entry, EntryTargets targets, String cluster, Clock clock, Sleeper pause) {
        super(entry, targets, POLL, clock, pause);
        this.cluster = cluster;
    }

    @Override
    public String describe() {
        return "command " + entry.program();
    }

    @Override
    public ApplyOutcome apply(String node, long epoch) throws TrafficException {
        Map<String, String> values = values(node, targets.valueFor(node), String.valueOf(epoch));
        if (hasShow()) {
            try {
                if (node.equals(show().node())) return ApplyOutcome.UNCHANGED;
            } catch (TrafficException e) {
                // the show command is only the shortcut; the switch itself must still be tried
                LOG.warn("{}: show-command failed, running the command anyway: {}", describe(), e.getMessage());
            }
        }
        run("command", entry.command(), values);
        return ApplyOutcome.CHANGED;
    }

    @Override
    public PointsAt show() throws TrafficException {
        if (!hasShow()) {
            throw new TrafficException(describe() + ": no show-command configured, so Vakt cannot read where it points", false);
        }
        CommandResult r = run("show-command", entry.showCommand(), values(null, null, null));
        List<String> lines = r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).limit(MAX_SHOW_LINES).toList();
        String node = targets.nodeFor(lines);
        if (node == null && lines.size() == 1 && targets.asMap().containsKey(lines.get(0))) node = lines.get(0);
        return new PointsAt(lines, node, null);
    }

    @Override
    public Duration verify(String node, Duration bound) throws TrafficException {
        String address = targets.valueFor(node);
        if (entry.verifyCommand() != null && !entry.verifyCommand().isEmpty()) {
            Map<String, String> values = values(node, address, null);
            // any failure of the verify command means "not visible yet" until the bound runs out
            return poll.await(describe(), bound, () -> execute("verify-command", entry.verifyCommand(), values).exitCode() == 0);
        }
        if (hasShow()) return poll.await(describe(), bound, () -> node.equals(show().node()));
        LOG.info("{}: neither verify-command nor show-command configured; the switch is taken as done when the command exits 0", describe());
        return Duration.ZERO;
    }

    @Override
    public void checkAccess() throws TrafficException {
        for (List<String> argv : List.of(entry.command(), nonNull(entry.showCommand()), nonNull(entry.verifyCommand()))) {
            if (!argv.isEmpty() && !executable(argv.get(0))) {
                throw new TrafficException(describe() + ": " + argv.get(0) + " is not an executable file (or not on PATH)", false);
            }
        }
        if (hasShow()) show();
    }

    private boolean hasShow() {
        return entry.showCommand() != null && !entry.showCommand().isEmpty();
    }

    private Map<String, String> values(String node, String address, String epoch) {
        Map<String, String> v = new HashMap<>();
        v.put("cluster", cluster);
        if (node != null) v.put("node", node);
        if (address != null) v.put("address", address);
        if (epoch != null) v.put("epoch", epoch);
        return v;
    }

    private CommandResult run(String key, List<String> template, Map<String, String> values) throws TrafficException {
        CommandResult r = execute(key, template, values);
        if (r.exitCode() != 0 || r.timedOut()) throw failure(key, template, r);
        return r;
    }

    private CommandResult execute(String key, List<String> template, Map<String, String> values) throws TrafficException {
        List<String> argv = substitute(template, values);
        Map<String, String> env = new HashMap<>();
        values.forEach((k, v) -> env.put("VAKT_" + k.toUpperCase(java.util.Locale.ROOT), v));
        try {
            BoundedProcess.Result r = BoundedProcess.run(BoundedProcess.Request.of(argv, entry.timeout()).withEnv(env));
            if (r instanceof BoundedProcess.CouldNotStart c) throw cannotStart(key, template, c.cause());
            if (r instanceof BoundedProcess.TimedOut t) return new CommandResult(-1, t.stdout().tail(), t.stderr().tail(), true);
            BoundedProcess.Finished f = (BoundedProcess.Finished) r;
            return new CommandResult(f.exitCode(), f.stdout().tail(), f.stderr().tail(), false);
        } catch (IOException e) {
            throw cannotStart(key, template, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrafficException(describe() + ": interrupted while running " + key, true, e);
        }
    }

    private TrafficException cannotStart(String key, List<String> template, IOException e) {
        // the program is missing or not executable: running it again will not help
        return new TrafficException(describe() + ": cannot start " + key + " " + template.get(0) + ": " + e.getMessage(), false, e);
    }

    /** How one command ended: its exit code (-1 when killed at the timeout) and the end of its output. */
    private record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {}

    private TrafficException failure(String key, List<String> template, CommandResult r) {
        String stderr = OutputScrubber.tail(r.stderr().isBlank() ? r.stdout() : r.stderr(), List.of());
        String said = stderr.isEmpty() ? "" : ": " + stderr;
        if (r.timedOut()) {
            // it may have done its work before it hung: the retry runs it again, which is why it must be idempotent
            return new TrafficException(describe() + ": " + key + " " + template.get(0) + " did not finish within "
                    + entry.timeout().toSeconds() + " s and was killed" + said, true);
        }
        boolean retryable = entry.retryableExitCodes().contains(r.exitCode());
        return new TrafficException(describe() + ": " + key + " " + template.get(0) + " exited with " + r.exitCode()
                + (retryable ? " (retryable)" : "") + said, retryable);
    }

    /** Each argument on its own: a substituted value never splits into more arguments or reaches a shell. */
    static List<String> substitute(List<String> template, Map<String, String> values) {
        List<String> out = new ArrayList<>(template.size());
        for (String arg : template) {
            Matcher m = CommandEntry.PLACEHOLDER.matcher(arg);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = values.get(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group()));
            }
            m.appendTail(sb);
            out.add(sb.toString());
        }
        return out;
    }

    private static List<String> nonNull(List<String> l) {
        return l == null ? List.of() : l;
    }

    private static boolean executable(String program) {
        if (program.contains("/")) return Files.isExecutable(Path.of(program));
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
