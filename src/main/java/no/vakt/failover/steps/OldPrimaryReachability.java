package no.vakt.failover.steps;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;

/**
 * What one promotion run knows about whether its old primary answers: nothing yet, or that a step found
 * it not answering at the connection level (SQLState 08xxx: refused, reset, connect timeout), which step,
 * with what error and when (by the injected clock). Later steps of the run use it so that a black-holed
 * old primary (connects time out instead of being refused) costs one full connect timeout per run, in
 * FENCE_OLD_PRIMARY, instead of one per step:
 * <ul>
 *   <li>{@link Need#INFORMATION}: a step that can do without the old primary's answer (its binlog position
 *       for APPLY_RELAY_LOG, its state for CHECK_DATA_LOSS, which then judge it as not answering, as the
 *       plan did) does not ask it again while the finding is at most {@code trustFor} old; an older finding
 *       is re-checked within {@link #RECHECK_CONNECT_BOUND}.
 *   <li>{@link Need#SAFETY}: PROMOTE_STANDBY must refuse while the old primary answers writable, so it
 *       always asks, but within {@link #RECHECK_CONNECT_BOUND} once the old primary is known not to answer.
 * </ul>
 * Any answer clears the finding: a server that came back is asked normally again. Only connection-level
 * failures count; an error the server itself reported (access denied, a failed statement) means it
 * answers.
 *
 * <p>One per run and in memory only: {@link PromotionSteps#create} makes a new one for every run, so a
 * step resumed after a crash (crash recovery) knows nothing and probes with the full timeout. Findings are
 * kept per failover id and node, so one never speaks for another failover or another node. Steps run one
 * at a time; the methods are synchronized all the same.
 */
public final class OldPrimaryReachability {
    /**
     * The connect bound of a re-check of an old primary this run found not answering. On a LAN a server
     * that was restarted refuses or completes the TCP and MariaDB handshakes in a few ms (round trips well
     * under 1 ms), so 250 ms leaves two orders of magnitude for a loaded host; and it stays below Linux's
     * initial SYN retransmission timeout (1 s, RFC 6298), so a longer bound would not even buy a second
     * SYN, only more waiting on a black hole. Never more than {@code checks.timeout}.
     */
    public static final Duration RECHECK_CONNECT_BOUND = Duration.ofMillis(250);

    /** What the step needs the old primary's answer for. */
    public enum Need {
        /** The step can do without the answer: a recent finding is relied on, the old primary not asked. */
        INFORMATION,
        /** The answer guards against two writable primaries: always asked, briefly once known silent. */
        SAFETY
    }

    /** How to reach the old primary now. */
    public enum Ask {
        /** Nothing known: connect with the full {@code checks.timeout}. */
        FULL,
        /** Known not to answer: connect within the re-check bound. */
        BRIEFLY,
        /** Known not to answer, recently enough: do not ask. */
        NOT_AGAIN
    }

    /**
     * A step found the node not answering at the connection level; {@code foundBy} null: the run's plan did,
     * just before the run ({@link #foundBeforeRun}), and {@code failoverId} is then {@link #BEFORE_RUN}.
     */
    public record NoAnswer(long failoverId, String node, StepName foundBy, String error, Instant at) {}

    /** The failover id of a finding made by the plan's look, before the run had an id. */
    static final long BEFORE_RUN = -1;

    /** How to reach the old primary now, and the finding that decided it (empty for FULL). */
    public record Asking(Ask ask, Optional<NoAnswer> because) {}

    private final Clock clock;
    private final Duration trustFor;
    private final Duration recheckBound;
    private NoAnswer finding;
    /** Who made a finding of {@link #BEFORE_RUN}, for {@link #describe}. */
    private String beforeRunBy = PLANS_LOOK;

    public static final String PLANS_LOOK = "the plan's look";

    /**
     * @param trustFor how long a finding is relied on without asking again; the promotion uses
     *     {@code checks.interval}: the monitor whose DOWN verdict started the run looks only once per
     *     interval, so within one nothing newer is known about the old primary than the finding
     * @param timeout {@code checks.timeout}, the full connect timeout; the re-check bound never exceeds it
     */
    public OldPrimaryReachability(Clock clock, Duration trustFor, Duration timeout) {
        this.clock = clock;
        this.trustFor = trustFor;
        this.recheckBound = recheckBoundFor(timeout);
    }

    /** {@link #RECHECK_CONNECT_BOUND}, or {@code timeout} ({@code checks.timeout}) when that is shorter. */
    public static Duration recheckBoundFor(Duration timeout) {
        return RECHECK_CONNECT_BOUND.compareTo(timeout) < 0 ? RECHECK_CONNECT_BOUND : timeout;
    }

    /** Nothing known, a run of its own: what a step built alone (a test, one step run by hand) gets. */
    static OldPrimaryReachability unknown(StepNodes nodes) {
        var checks = nodes.config().policy().checks();
        return new OldPrimaryReachability(Clock.systemUTC(), checks.interval(), checks.timeout());
    }

    /** Decides how to reach the old primary. Pure. */
    static Ask decide(Optional<NoAnswer> known, Instant now, Duration trustFor, Need need) {
        if (known.isEmpty()) return Ask.FULL;
        if (need == Need.SAFETY) return Ask.BRIEFLY;
        Duration age = Duration.between(known.get().at(), now);
        return age.compareTo(trustFor) <= 0 ? Ask.NOT_AGAIN : Ask.BRIEFLY;
    }

    /** How a step of {@code ctx} should reach its old primary now. */
    public synchronized Asking howToAsk(StepContext ctx, Need need) {
        Optional<NoAnswer> finding = known(ctx);
        return new Asking(decide(finding, clock.instant(), trustFor, need), finding);
    }

    /** The connect (and socket) bound of a {@link Ask#BRIEFLY} re-check. */
    public Duration recheckBound() {
        return recheckBound;
    }

    /** The finding on the old primary of {@code ctx}, if a step of this run made one. */
    public synchronized Optional<NoAnswer> known(StepContext ctx) {
        NoAnswer f = finding;
        return f != null && (f.failoverId() == ctx.failoverId() || f.failoverId() == BEFORE_RUN)
                && f.node().equals(ctx.fromNode())
                ? Optional.of(f) : Optional.empty();
    }

    /**
     * Records that {@code step} found the old primary not answering, when {@code e} is a connection-level
     * failure; any other error means the server answered, which clears the finding. Returns whether it
     * was recorded.
     */
    public synchronized boolean noAnswer(StepContext ctx, StepName step, SQLException e) {
        if (!StepNodes.connectionLost(e)) {
            answered(ctx);
            return false;
        }
        finding = new NoAnswer(ctx.failoverId(), ctx.fromNode(), step,
                StepNodes.describeWithState(e), clock.instant());
        return true;
    }

    /**
     * The look that planned this run found {@code node} not answering at the connection level at
     * {@code at} (by this run's clock): FENCE_OLD_PRIMARY then does not wait a connect timeout on it again
     * while that is at most {@code trustFor} old. Call before the run starts.
     */
    public synchronized void foundBeforeRun(String node, String error, Instant at) {
        foundBeforeRun(node, PLANS_LOOK, error, at);
    }

    /**
     * As {@link #foundBeforeRun(String, String, Instant)}, found by {@code lookedBy} ("the monitor's probe":
     * the failed probe that made the verdict, when the plan took it instead of looking again).
     */
    public synchronized void foundBeforeRun(String node, String lookedBy, String error, Instant at) {
        finding = new NoAnswer(BEFORE_RUN, node, null, error, at);
        beforeRunBy = lookedBy;
    }

    /** The old primary answered: whatever was known about it no longer holds. */
    public synchronized void answered(StepContext ctx) {
        if (known(ctx).isPresent()) finding = null;
    }

    /** "FENCE_OLD_PRIMARY found it not answering 12 ms ago (error)", for a step's journal detail. */
    public synchronized String describe(NoAnswer f) {
        long ms = Math.max(0, Duration.between(f.at(), clock.instant()).toMillis());
        return (f.foundBy() == null ? beforeRunBy : f.foundBy().name()) + " found it not answering " + ms
                + " ms ago (" + f.error() + ")";
    }
}
