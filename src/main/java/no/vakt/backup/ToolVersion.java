package no.vakt.backup;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;

/**
 * mariadb-backup must be the server's own version: it reads InnoDB's files directly, and another
 * version's redo log format may be refused, or worse, misread.
 */
public final class ToolVersion {
    public static final String PROGRAM = "mariadb-backup";
    public static final String PACKAGE = "mariadb-backup";
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+\\.\\d+)");

    private ToolVersion() {}

    /** How the installed tool compares with the server. */
    public sealed interface Verdict permits Matches, Missing, Differs {}

    public record Matches(String version) implements Verdict {}

    public record Missing() implements Verdict {}

    public record Differs(String tool, String server) implements Verdict {}

    /**
     * Pure: {@code toolOutput} is what {@code mariadb-backup --version} printed (empty: not installed),
     * {@code serverVersion} the server's {@code @@version} (10.11.19-MariaDB-0+deb12u1).
     */
    public static Verdict judge(Optional<String> toolOutput, String serverVersion) {
        if (toolOutput.isEmpty()) return new Missing();
        String tool = number(toolOutput.get()).orElse("unknown");
        String server = number(serverVersion).orElse("unknown");
        return tool.equals(server) && !tool.equals("unknown") ? new Matches(tool) : new Differs(tool, server);
    }

    /** The installed tool's {@code --version} text; empty when it is not installed. */
    public static Optional<String> observe() throws IOException, InterruptedException {
        Optional<String> path = Programs.find(PROGRAM);
        if (path.isEmpty()) return Optional.empty();
        BoundedProcess.Result r = BoundedProcess.run(
                BoundedProcess.Request.of(List.of(path.get(), "--version"), Duration.ofSeconds(20)).mergingStderr());
        return r instanceof BoundedProcess.Finished f && f.exitCode() == 0 ? Optional.of(f.stdout().tail()) : Optional.empty();
    }

    /** The words for an operator: empty when the tool fits. */
    public static Optional<String> problem(Verdict v) {
        if (v instanceof Missing) return Optional.of(PROGRAM + " is not installed (on Debian: apt-get install " + PACKAGE + ")");
        if (v instanceof Differs d) {
            return Optional.of(PROGRAM + " is version " + d.tool() + " but the server is " + d.server()
                    + ": install the server's version of " + PACKAGE);
        }
        return Optional.empty();
    }

    private static Optional<String> number(String text) {
        Matcher m = VERSION.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
