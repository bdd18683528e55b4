package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertDispatcher;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Severity;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import no.vakt.failover.planned.Switchover;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.Journal;
import no.vakt.traffic.TrafficSwitches;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "switchover", header = "Planned role swap without losing a transaction", mixinStandardHelpOptions = true,
        description = "Planned role swap without data loss: the primary goes read-only, the standby catches up to"
                + " exactly its GTID position, is promoted and proves a write, the old primary becomes its replica,"
                + " traffic is switched and the epoch raised; every step is journaled. Roles are read from the"
                + " servers (the writable node that replicates from nobody is the primary), not from the config's"
                + " role: fields, so running it twice returns to the original layout. If the standby does not catch"
                + " up within --timeout the fence is lifted and the old primary stays primary. With coordination: (agents)"
                + " it runs in the leading agent: handed to this host's agent, or to the leader found in ZooKeeper.",
        footer = {"", "Exit codes: 0 switched (or --dry-run), 1 refused or aborted, or switched with traffic pending"
                + " (the roles are swapped but the traffic switch failed: vakt run retries it, vakt traffic apply runs"
                + " it by hand), 2 bad config or usage."})
public final class SwitchoverCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "How long the standby may take to reach the fenced primary's position (default: ${DEFAULT-VALUE}).")
    String timeoutText;

    @Mixin
    DryRunOption dryRun;

    @Override
    public Integer call() throws Exception {
        VaktConfig cfg = config.load();
        Duration timeout = DurationConverter.positive("--timeout", timeoutText);
        PrintWriter out = config.out();
        Path journalPath = config.journal();
        var api = new ClusterClaim.Api("api/switchover", java.util.Map.of("timeout", timeout.toMillis() + "ms",
                "dry_run", dryRun.on), timeout.plusMinutes(5));
        Clock clock = Clock.systemUTC();
        return ClusterClaim.run(journalPath, "vakt switchover", cfg, api, out, () -> {
            try {
                return config.withAlerts(clock, (c, journal, alerts) -> switchover(c, journal, alerts, timeout, clock));
            } catch (SecretRef.SecretUnavailableException e) {
                throw new UsageException(e.getMessage());
            }
        });
    }

    private int switchover(VaktConfig cfg, Journal journal, AlertDispatcher alerts, Duration timeout, Clock clock) throws Exception {
        PrintWriter out = config.out();
        // What this prints and alerts names this config (and journal), so a pasted command acts on this cluster.
        OperatorCommands commands = OperatorCommands.of(config.path(), journal.file());
        Switchover.Result r = new Switchover(journal, TrafficSwitches.fromConfig(cfg, journal, alerts, clock,
                config.path()), clock, cfg.policy().checks().timeout().plusSeconds(2), commands)
                .run(cfg, new Switchover.Options(timeout, Duration.ofSeconds(30), dryRun.on), out);
        if (r.ending() == FailoverEnding.COMPLETED_TRAFFIC_PENDING) {
            out.println("Switched: " + r.to() + " is the primary (epoch " + r.epoch() + "), but traffic is PENDING:"
                    + " the traffic switch failed (see HANDOVER above), users may still be sent to " + r.from() + ".");
            out.println("A running vakt run retries the switch with backoff; once the cause is fixed, by hand: "
                    + commands.trafficApply());
        }
        out.flush();
        switchoverAlert(cfg, r, commands).ifPresent(alerts::send);
        return exitCode(r);
    }

    /** 0 only for a clean switch (or a dry run): a switch that left traffic pending is not done, as for vakt promote. */
    static int exitCode(Switchover.Result r) {
        if (r.outcome() == Switchover.Outcome.DRY_RUN) return ExitCodes.OK;
        return r.ending() == FailoverEnding.COMPLETED ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * A finished or aborted switchover is news for the people on call; a dry run or a refusal is not. One that
     * left traffic pending is a warning naming the command that moves the users (the traffic switch's own
     * traffic-switch-failed alert says why it failed).
     */
    static java.util.Optional<Alert> switchoverAlert(VaktConfig cfg, Switchover.Result r, OperatorCommands commands) {
        String window = r.writeUnavailable() == null ? "" : "; writes were unavailable for " + r.writeUnavailable().toMillis() + " ms";
        if (r.ending() == FailoverEnding.COMPLETED_TRAFFIC_PENDING) {
            return java.util.Optional.of(new Alert(Severity.WARNING, cfg.cluster(), "switchover: " + r.to()
                    + " is the primary, traffic switch pending", "planned switchover from " + r.from() + ", epoch "
                    + r.epoch() + window + "; " + r.detail(), "users may still be sent to " + r.from() + " until the"
                    + " traffic switch succeeds: vakt run retries it with backoff; once the cause is fixed, by hand: "
                    + commands.trafficApply(), AlertKind.SWITCHOVER, r.to()));
        }
        return switch (r.outcome()) {
            case COMPLETED -> java.util.Optional.of(new Alert(Severity.INFO, cfg.cluster(), "switchover: " + r.to()
                    + " is the primary", "planned switchover from " + r.from() + ", epoch " + r.epoch() + window,
                    r.from() + " replicates from " + r.to() + "; edit the role: fields in vakt.yml if this layout stays",
                    AlertKind.SWITCHOVER, r.to()));
            // Past the promotion the roles changed: the new primary is the one to watch, the old one must be rejoined.
            case ABORTED -> java.util.Optional.of(r.promoted()
                    ? new Alert(Severity.CRITICAL, cfg.cluster(), "switchover from " + r.from() + " aborted after promoting "
                            + r.to(), r.detail() + window, r.to() + " is the primary now; " + r.from() + " stays read-only"
                            + " until it is rebuilt as its standby: " + commands.rejoin(r.from()) + "; see vakt history",
                            AlertKind.SWITCHOVER, r.to())
                    : new Alert(Severity.WARNING, cfg.cluster(), "switchover from " + r.from() + " aborted", r.detail()
                            + window, r.from() + " stays primary; see vakt history", AlertKind.SWITCHOVER, r.from()));
            case REFUSED, DRY_RUN -> java.util.Optional.empty();
        };
    }
}
