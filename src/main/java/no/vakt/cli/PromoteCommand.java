package no.vakt.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import no.vakt.alert.AlertDispatcher;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.VaktConfig;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.plan.Decision;
import no.vakt.filesync.JournalFileSyncDirector;
import no.vakt.journal.Journal;
import no.vakt.traffic.TrafficSwitches;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vakt promote}: an operator's failover to the standby, planned, shown, and run with --confirm. */
@Command(name = "promote", header = "Promote the standby by hand", mixinStandardHelpOptions = true,
        description = {"Promote the standby by hand: fence the old primary, apply the relay log, check the data"
                + " loss against the RPO, promote, verify a write, hand over traffic, bump the epoch.",
            "",
            "Without --confirm the plan is shown and nothing changes (exit 1).",
            "Exit 0 when the promotion completed (or with --dry-run), 1 when refused or failed."})
public final class PromoteCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Option(names = "--confirm", description = "Run the promotion (without it the plan is only shown)")
    boolean confirm;

    @Option(names = "--force", description = "Override the cooldown, the RPO and an unconfirmed primary state"
            + " (never a running failover or an unreachable standby)")
    boolean force;

    @Mixin
    DryRunOption dryRun;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        VaktConfig cfg = config.load();
        PrintWriter out = config.out();
        // Only an acting promotion needs the cluster; showing the plan reads.
        if (!confirm || dryRun.on) return config.withAlerts(clock, this::promote);
        return ClusterClaim.run(config.journal(), "vakt promote", cfg, new ClusterClaim.Api("api/promote",
                java.util.Map.of("force", force), java.time.Duration.ofMinutes(10)), out,
                () -> config.withAlerts(clock, this::promote));
    }

    private int promote(VaktConfig cfg, Journal journal, AlertDispatcher alerts) throws Exception {
        PrintWriter out = config.out();
        // Plans and alerts name the commands with this config (and journal), so a pasted command acts on the same cluster.
        OperatorCommands commands = OperatorCommands.of(config.path(), journal.file());
        FailoverRunner runner = new FailoverRunner(cfg, journal, clock, alerts,
                TrafficSwitches.fromConfig(cfg, journal, alerts, clock, config.path()),
                new JournalFileSyncDirector(journal, cfg, null), commands);
        FailoverRunner.Prepared prepared = runner.prepare(FailoverRunner.Request.operator(confirm && !dryRun.on, force));
        out.print(prepared.plan().render());
        fenceEnforcement(cfg, prepared.plan().fromNode()).ifPresent(out::println);
        if (dryRun.on) {
            out.println("Dry run: nothing changed.");
            return ExitCodes.OK;
        }
        if (!confirm) {
            out.println(prepared.plan().decision() == Decision.REFUSE
                    ? "Refused: nothing changed." + (prepared.plan().approveCommand() == null ? ""
                            : " If acceptable, re-run as: " + prepared.plan().approveCommand())
                    : "Nothing changed. Re-run with --confirm to promote: " + prepared.plan().approveCommand());
            return ExitCodes.FAILED;
        }
        FailoverRunner.Outcome outcome = runner.execute(prepared);
        if (prepared.plan().decision() == Decision.REFUSE) {
            out.println("Refused: nothing changed.");
            return ExitCodes.FAILED;
        }
        out.println("Steps:");
        out.print(outcome.renderSteps());
        String to = prepared.plan().toNode();
        if (outcome.trafficPending()) {
            // Promoted, epoch raised, file sync turned: only the users are not moved yet. Not a clean success.
            out.println("Promoted " + to + " (epoch " + prepared.plan().newEpoch() + "), but traffic is PENDING: the"
                    + " traffic switch failed (see HANDOVER above), users may still be sent to "
                    + prepared.plan().fromNode() + ".");
            out.println("A running vakt run retries the switch with backoff; once the cause is fixed, by hand: "
                    + commands.trafficApply());
            return ExitCodes.FAILED;
        }
        if (outcome.completed()) {
            out.println("Promoted " + to + " (epoch " + prepared.plan().newEpoch() + ").");
            return ExitCodes.OK;
        }
        out.println(outcome.execution().promoted()
                ? to + " was promoted (past the point of no return, the later steps ran), but: " + outcome.execution().detail()
                : "Promotion did not complete: " + outcome.execution().detail());
        return ExitCodes.FAILED;
    }

    /**
     * The plan's fence in the server's own terms (which accounts read_only does not stop, locked for the
     * fence); empty when the old primary does not answer, as the plan then says.
     */
    private static java.util.Optional<String> fenceEnforcement(VaktConfig cfg, String from) {
        var node = from == null ? java.util.Optional.<no.vakt.config.Node>empty() : cfg.node(from);
        if (node.isEmpty()) return java.util.Optional.empty();
        try (var db = new no.vakt.db.NodeInspector(cfg.policy().checks().timeout()).open(node.get())) {
            return java.util.Optional.of("Fence on " + from + ": read_only=ON; "
                    + no.vakt.db.FenceLocks.enforcement(db, no.vakt.db.FenceLocks.exemptUsers(cfg)));
        } catch (java.sql.SQLException e) {
            return java.util.Optional.empty();
        }
    }
}
