package no.vakt.failover.steps;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.VaktConfig;
import no.vakt.failover.plan.FailoverStep;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.journal.Journal;
import no.vakt.traffic.TrafficSwitch;

/**
 * The seven steps of a promotion with real MariaDB I/O, wired for a {@link no.vakt.failover.plan.PlanExecutor}.
 * Call once per run: the steps share one {@link OldPrimaryReachability}, so what one step learns about
 * the old primary spares the later ones a connect timeout, and a new run (crash recovery included)
 * starts knowing nothing.
 */
public final class PromotionSteps {
    private PromotionSteps() {}

    public static List<FailoverStep> create(VaktConfig config, StepNodes nodes, Journal journal, Clock clock,
            AlertSink alerts, TrafficSwitch traffic, FileSyncDirector files,
            Supplier<Optional<Instant>> primaryLastHeartbeat) {
        return create(config, nodes, journal, clock, alerts, traffic, files, primaryLastHeartbeat, OperatorCommands.NONE);
    }

    /** @param commands the commands alerts and step details name, with this process's {@code --config} */
    public static List<FailoverStep> create(VaktConfig config, StepNodes nodes, Journal journal, Clock clock,
            AlertSink alerts, TrafficSwitch traffic, FileSyncDirector files,
            Supplier<Optional<Instant>> primaryLastHeartbeat, OperatorCommands commands) {
        var checks = config.policy().checks();
        return create(config, nodes, journal, clock, alerts, traffic, files, primaryLastHeartbeat, commands,
                new OldPrimaryReachability(clock, checks.interval(), checks.timeout()));
    }

    /** @param known what this run knows about the old primary before it starts (the plan's look, or the monitor's probe it took) */
    public static List<FailoverStep> create(VaktConfig config, StepNodes nodes, Journal journal, Clock clock,
            AlertSink alerts, TrafficSwitch traffic, FileSyncDirector files,
            Supplier<Optional<Instant>> primaryLastHeartbeat, OperatorCommands commands, OldPrimaryReachability known) {
        return create(config, nodes, journal, clock, alerts, traffic, files, primaryLastHeartbeat, commands, known,
                OldPrimaryDoor.NONE);
    }

    /** @param door where PROMOTE_STANDBY hands an old primary that gave it no answer (the door fence) */
    public static List<FailoverStep> create(VaktConfig config, StepNodes nodes, Journal journal, Clock clock,
            AlertSink alerts, TrafficSwitch traffic, FileSyncDirector files,
            Supplier<Optional<Instant>> primaryLastHeartbeat, OperatorCommands commands, OldPrimaryReachability known,
            OldPrimaryDoor door) {
        return List.of(
                new FenceOldPrimaryStep(nodes, known),
                new ApplyRelayLogStep(nodes, config.policy().maxApplyWait(), known),
                new CheckDataLossStep(nodes, clock, config.objectives().rpo(), alerts, primaryLastHeartbeat, known, commands),
                new PromoteStandbyStep(nodes, known, door),
                new VerifyWriteStep(nodes),
                new HandoverStep(traffic, files, commands),
                new BumpEpochStep(nodes, journal));
    }
}
