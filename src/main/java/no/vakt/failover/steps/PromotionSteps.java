package no.vakt.failover.steps;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import no.vakt.alert.AlertSink;
import no.vakt.config.VaktConfig;
import no.vakt.failover.FailoverStep;
import no.vakt.failover.HandoverStep;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.journal.Journal;
import no.vakt.traffic.TrafficSwitch;

/** The seven steps of a promotion with real MariaDB I/O, wired for a {@link no.vakt.failover.PlanExecutor}. */
public final class PromotionSteps {
    private PromotionSteps() {}

    public static List<FailoverStep> create(VaktConfig config, StepNodes nodes, Journal journal, Clock clock,
            AlertSink alerts, TrafficSwitch traffic, FileSyncDirector files,
            Supplier<Optional<Instant>> primaryLastHeartbeat) {
        return List.of(
                new FenceOldPrimaryStep(nodes),
                new ApplyRelayLogStep(nodes, config.policy().maxApplyWait()),
                new CheckDataLossStep(nodes, clock, config.objectives().rpo(), alerts, primaryLastHeartbeat),
                new PromoteStandbyStep(nodes),
                new VerifyWriteStep(nodes),
                new HandoverStep(traffic, files, alerts),
                new BumpEpochStep(nodes, journal));
    }
}
