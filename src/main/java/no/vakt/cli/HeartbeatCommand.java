package no.vakt.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import no.vakt.config.Durations;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.replication.HeartbeatWriter;
import no.vakt.status.HeartbeatLag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "heartbeat", header = "Write the heartbeat on the primary and print the standby's lag", mixinStandardHelpOptions = true,
        description = "Writes Vakt's heartbeat on the primary every replication.heartbeat-interval and prints the"
                + " standby's lag measured from it (the age of the newest heartbeat it has applied), next to"
                + " Seconds_Behind_Master, which is shown but not trusted: it can read 0 or NULL while replication"
                + " is stalled. Runs until Ctrl-C, for --duration, or writes a single beat with --once.",
        footer = {"", "Exit codes: 0 heartbeats written, 1 none could be written, 2 bad config or usage."})
public final class HeartbeatCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (e.g. 10s); default: until Ctrl-C.")
    Duration durationOption;

    @Option(names = "--once", description = "Write one heartbeat, print the standby's lag and exit.")
    boolean once;

    @Option(names = "--report-every", paramLabel = "DURATION", defaultValue = "1s",
            description = "How often to print the standby's lag (default: ${DEFAULT-VALUE}).")
    Duration reportOption;

    @Override
    public Integer call() throws InterruptedException {
        VaktConfig cfg = config.load();
        Duration duration = durationOption == null ? null : DurationConverter.positive("--duration", durationOption);
        Duration report = DurationConverter.positive("--report-every", reportOption);
        PrintWriter out = config.out();
        Clock clock = Clock.systemUTC();
        Node primary = cfg.primary();
        Node standby = cfg.standby();
        Duration interval = cfg.replication().heartbeatInterval();
        NodeInspector inspector = new NodeInspector(cfg.policy().checks().timeout().plusSeconds(1));
        try (HeartbeatWriter writer = HeartbeatWriter.forNode(primary, interval, clock)) {
            if (once) {
                HeartbeatWriter.Outcome outcome = writer.writeOnce();
                out.println("heartbeat: " + describe(outcome, writer.stats(), primary) + "; " + lag(inspector.inspect(standby), inspector.inspect(primary)));
                return outcome == HeartbeatWriter.Outcome.WRITTEN ? ExitCodes.OK : ExitCodes.FAILED;
            }
            out.println("heartbeat: writing to " + primary.name() + " every " + Durations.format(interval)
                    + (duration == null ? " until Ctrl-C" : " for " + Durations.format(duration)));
            out.flush();
            writer.start();
            Instant deadline = duration == null ? Instant.MAX : clock.instant().plus(duration);
            long seen = 0;
            while (clock.instant().isBefore(deadline)) {
                Thread.sleep(nextWaitMillis(clock.instant(), deadline, report));
                HeartbeatWriter.Stats s = writer.stats();
                String writes = s.written() > seen ? primary.name() + " +" + (s.written() - seen) + " written"
                        : primary.name() + " " + (s.skippedReadOnly() > 0 && s.lastError() == null ? "is read_only: not writing"
                                : "not written: " + s.lastError());
                seen = s.written();
                out.println("heartbeat: " + writes + "; " + lag(inspector.inspect(standby), inspector.inspect(primary)));
                out.flush();
            }
            HeartbeatWriter.Stats s = writer.stats();
            out.println("heartbeat: stopped: " + s.written() + " written, " + s.failures() + " failed, "
                    + s.skippedReadOnly() + " skipped (read_only)");
            return s.written() > 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** Until the next report line, or the deadline when it is nearer; "until Ctrl-C" is Instant.MAX. */
    static long nextWaitMillis(Instant now, Instant deadline, Duration report) {
        Duration left = Duration.between(now, deadline); // fits: Duration holds seconds as a long
        return left.compareTo(report) >= 0 ? report.toMillis() : Math.max(1, left.toMillis());
    }

    private static String describe(HeartbeatWriter.Outcome outcome, HeartbeatWriter.Stats stats, Node primary) {
        return switch (outcome) {
            case WRITTEN -> "wrote to " + primary.name();
            case READ_ONLY -> primary.name() + " is read_only: not written";
            case FAILED -> "could not write to " + primary.name() + ": " + stats.lastError();
        };
    }

    /**
     * The standby's lag from the heartbeat (its newest row against the primary's, read one after the
     * other, as {@code vakt status} measures it), with Seconds_Behind_Master beside it for comparison only.
     */
    static String lag(NodeState standby, NodeState primary) {
        String node = standby.node().name();
        if (!standby.reachable()) return node + " unreachable: " + standby.error();
        String sbm = standby.replica()
                .map(r -> r.secondsBehindMaster() == null ? "NULL" : r.secondsBehindMaster().toString())
                .orElse("not replicating");
        HeartbeatLag.Measured m = HeartbeatLag.of(standby.heartbeatLagMs(), primary.reachable() ? primary.heartbeatLagMs() : null);
        String lag = m == null ? "no heartbeat yet"
                : "lag " + m.ms() + " ms" + (m.basis() == HeartbeatLag.Basis.AGE ? " (age of its newest row: the primary did not answer)" : "");
        return node + " " + lag + " (Seconds_Behind_Master " + sbm + ", shown, not trusted)";
    }
}
