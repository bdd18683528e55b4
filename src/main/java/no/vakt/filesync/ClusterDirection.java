package no.vakt.filesync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import no.vakt.coordination.ClusterRun;

/**
 * The file sync direction the cluster's record sets (docs/ha.md): the newest failover that promoted a standby, as
 * ZooKeeper's {@code /runs} hold it, whichever agent ran it. Its new primary is the source, paused until a rejoin
 * (a switchover's old primary is its target at once), at the run's epoch. Read only when asked for an epoch newer
 * than the one last read, at most every {@link #RETRY} (a run still under way is not in the record yet); an
 * unanswered read keeps the last answer.
 */
final class ClusterDirection {
    static final Duration RETRY = Duration.ofSeconds(2);

    private final Supplier<Optional<ClusterRun>> lastPromotion;
    private final Clock clock;
    private final Consumer<String> report;
    private Optional<SyncDirection> known = Optional.empty();
    private Instant readAt;

    ClusterDirection(Supplier<Optional<ClusterRun>> lastPromotion, Clock clock, Consumer<String> report) {
        this.lastPromotion = lastPromotion;
        this.clock = clock;
        this.report = report;
    }

    /** The record's direction, re-read when it is older than {@code epoch}; never blocks longer than one read. */
    synchronized Optional<SyncDirection> atLeast(long epoch) {
        Instant now = clock.instant();
        boolean behind = known.map(d -> d.epoch() < epoch).orElse(true);
        if (behind && (readAt == null || !now.isBefore(readAt.plus(RETRY)))) {
            readAt = now;
            try {
                known = lastPromotion.get().map(ClusterDirection::of).or(() -> known);
            } catch (RuntimeException e) {
                report.accept("file sync: cannot read the cluster's last failover: " + e.getMessage());
            }
        }
        return known;
    }

    /** Pure: the direction a finished run that promoted {@code toNode} leaves. */
    static SyncDirection of(ClusterRun run) {
        boolean switchover = "switchover".equals(run.mode());
        return new SyncDirection(run.toNode(), switchover ? run.fromNode() : null, run.epoch(),
                (switchover ? "switchover" : "failover") + " by agent " + run.agent());
    }
}
