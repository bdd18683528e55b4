package no.vakt.filesync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import no.vakt.coordination.ClusterRun;
import no.vakt.coordination.ZooKeeperRuns;

/**
 * The file sync direction the cluster's record of runs sets (docs/ha.md): the newest failover or switchover that
 * promoted a standby, as ZooKeeper's {@code /runs} hold it, whichever agent ran it. Its new primary is the source,
 * paused until a rejoin (a switchover's old primary is its target at once), at the run's epoch. The fallback behind
 * the shared direction ({@code SharedDirection}): asked only while ZooKeeper's epoch is ahead of it (a run under way,
 * or an agent that died before publishing its hand-over). Read at most every {@link #RETRY} while a run is under way
 * (one read), and once per epoch otherwise: a record found behind the epoch after the run ended is kept until the
 * epoch moves again. An unanswered read keeps the last answer.
 */
final class ClusterDirection {
    static final Duration RETRY = Duration.ofSeconds(2);

    private final Supplier<ZooKeeperRuns.Promotion> lastPromotion;
    private final Clock clock;
    private final Consumer<String> report;
    private Optional<SyncDirection> known = Optional.empty();
    private Instant readAt;
    /** The epoch the record was read for with no run under way: nothing newer to find until the epoch moves. */
    private long settled = -1;

    ClusterDirection(Supplier<ZooKeeperRuns.Promotion> lastPromotion, Clock clock, Consumer<String> report) {
        this.lastPromotion = lastPromotion;
        this.clock = clock;
        this.report = report;
    }

    /** The record's direction, re-read when it is older than {@code epoch}; never blocks longer than one read. */
    synchronized Optional<SyncDirection> atLeast(long epoch) {
        Instant now = clock.instant();
        boolean behind = known.map(d -> d.epoch() < epoch).orElse(true);
        if (behind && settled < epoch && (readAt == null || !now.isBefore(readAt.plus(RETRY)))) {
            readAt = now;
            try {
                ZooKeeperRuns.Promotion p = lastPromotion.get();
                known = p.run().map(ClusterDirection::of).or(() -> known);
                if (!p.underWay()) settled = epoch;
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
