package no.vakt.failover;

import java.time.Clock;
import no.vakt.coordination.ClusterRun;
import no.vakt.coordination.RunWrite;
import no.vakt.coordination.ZooKeeperRuns;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepId;
import no.vakt.failover.plan.StepRecorder;
import no.vakt.failover.plan.StepResult;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's record in ZooKeeper ({@code /run/current}), written by the agent that holds the run before each
 * step and after its result, each write a compare-and-set on the version this agent last wrote: once a
 * successor adopted the run ({@link ClusterRuns}), this agent's next write is refused and its engine
 * stops. A run this agent begins is recorded at its first step, from the local journal's row.
 */
public final class ClusterRunRecorder implements StepRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRunRecorder.class);

    private final ZooKeeperRuns runs;
    private final String agent;
    private final Journal journal;
    private final Clock clock;
    private ClusterRun run;
    private int version;

    private ClusterRunRecorder(ZooKeeperRuns runs, String agent, Journal journal, Clock clock, ClusterRun run, int version) {
        this.runs = runs;
        this.agent = agent;
        this.journal = journal;
        this.clock = clock;
        this.run = run;
        this.version = version;
    }

    /** For a run this agent begins (or one it journaled that never reached ZooKeeper): recorded at its first write. */
    public static ClusterRunRecorder fresh(ZooKeeperRuns runs, String agent, Journal journal, Clock clock) {
        return new ClusterRunRecorder(runs, agent, journal, clock, null, -1);
    }

    /** For a run this agent holds in ZooKeeper at {@code version}. */
    static ClusterRunRecorder holding(ZooKeeperRuns runs, String agent, Journal journal, Clock clock, ClusterRun run,
            int version) {
        return new ClusterRunRecorder(runs, agent, journal, clock, run, version);
    }

    @Override
    public synchronized Recording beforeStep(StepContext ctx, StepId step) {
        if (run == null) {
            // The journal's row already holds this step's start: the first write carries it.
            return held(begin(ctx), step);
        }
        return held(write(run.withStep(new ClusterRun.Step(step.name(), agent, clock.instant(), null, null, null))), step);
    }

    private Recording held(Recording r, StepId step) {
        if (r.state() == Recorded.RECORDED) StepHold.at(agent, step.name(), "before");
        return r;
    }

    @Override
    public synchronized Recording afterStep(StepContext ctx, StepId step, StepResult result) {
        if (run == null) return new Recording(Recorded.UNAVAILABLE, "the run is not in ZooKeeper");
        StepHold.at(agent, step.name(), "after");
        return write(run.stepEnded(step.name(), clock.instant(), result.outcome(), result.detail()));
    }

    @Override
    public synchronized void ended(StepContext ctx, FailoverEnding ending, String summary) {
        if (run == null && begin(ctx).state() != Recorded.RECORDED) return;
        if (write(run.ended(clock.instant(), ending, summary)).state() != Recorded.RECORDED) {
            LOG.warn("failover {}: its end is in the local journal only (ZooKeeper did not take it)", ctx.failoverId());
            return;
        }
        try {
            runs.archive(run);
        } catch (ZooKeeperRuns.Unavailable e) {
            // /run/current holds it finished: the history reads it from there.
            LOG.warn("failover {}: not archived under /runs: {}", ctx.failoverId(), e.getMessage());
        }
    }

    /** The run as recorded now; null before its first write. */
    public synchronized ClusterRun recorded() {
        return run;
    }

    private Recording begin(StepContext ctx) {
        FailoverRecord f = journal.failover(ctx.failoverId()).orElse(null);
        if (f == null) return new Recording(Recorded.UNAVAILABLE, "failover " + ctx.failoverId() + " is not in the journal");
        ClusterRun first = ClusterRuns.of(f, agent, journal.primaryLastWrite(f.id()).orElse(null));
        return outcome(runs.begin(first), first);
    }

    private Recording write(ClusterRun next) {
        RunWrite w = runs.update(next, version);
        if (w instanceof RunWrite.Refused r && agent.equals(r.holder()) && next.key().equals(r.key())) {
            // Our own write may have landed while its answer was lost: take the version it left and write once more.
            try {
                var now = runs.current();
                if (now.isPresent() && agent.equals(now.get().run().agent())) w = runs.update(next, now.get().version());
            } catch (ZooKeeperRuns.Unavailable e) {
                w = new RunWrite.Unavailable(e.getMessage());
            }
        }
        return outcome(w, next);
    }

    private Recording outcome(RunWrite w, ClusterRun next) {
        if (w instanceof RunWrite.Written ok) {
            run = next;
            version = ok.version();
            return Recording.RECORDED;
        }
        if (w instanceof RunWrite.Refused r) {
            return new Recording(Recorded.TAKEN_OVER, r.key() == null ? "the run left ZooKeeper"
                    : "agent " + r.holder() + " holds the cluster's run " + r.key() + " now");
        }
        return new Recording(Recorded.UNAVAILABLE, ((RunWrite.Unavailable) w).why());
    }
}
