package no.vakt.failover;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.coordination.ClusterRun;
import no.vakt.coordination.RunWrite;
import no.vakt.coordination.ZooKeeperRuns;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepRecorder;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
import no.vakt.journal.StepOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With agents, the cluster's failovers in ZooKeeper next to this agent's journal: every run this agent starts is
 * recorded there step by step ({@link ClusterRunRecorder}), and before crash recovery ({@link
 * FailoverRunner#resumeUnfinished}) {@link #forRecovery} makes the local journal agree with the cluster's record:
 * a run another agent left running is imported into this journal and claimed by compare-and-set, so the one
 * crash recovery resumes it exactly as it resumes its own after a restart.
 */
public final class ClusterRuns {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRuns.class);

    private final ZooKeeperRuns runs;
    private final String agent;
    private final Journal journal;
    private final Clock clock;

    public ClusterRuns(ZooKeeperRuns runs, String agent, Journal journal, Clock clock) {
        this.runs = runs;
        this.agent = agent;
        this.journal = journal;
        this.clock = clock;
    }

    public String agent() {
        return agent;
    }

    /** The recorder of a run this agent begins now. */
    public StepRecorder fresh() {
        return ClusterRunRecorder.fresh(runs, agent, journal, clock);
    }

    /**
     * Makes the journal's unfinished failover the cluster's running one, and returns the recorder crash recovery
     * runs it with. Empty: recovery waits (ZooKeeper did not answer, or another agent claimed the run first).
     * <ul>
     *   <li>The journal's unfinished row is the cluster's running run and this agent held it: claimed again and
     *       resumed.</li>
     *   <li>Any other unfinished row is never resumed from this journal alone: ended as the cluster's record of it
     *       says (finished by a successor, or held by one), or, when ZooKeeper never took its first step (so none
     *       ran), as aborted: detection decides afresh.</li>
     *   <li>A run another agent left running in the cluster is imported into this journal and claimed.</li>
     * </ul>
     */
    public Optional<StepRecorder> forRecovery() {
        Optional<ZooKeeperRuns.Versioned> cluster;
        try {
            cluster = runs.current();
        } catch (ZooKeeperRuns.Unavailable e) {
            LOG.warn("crash recovery waits: {}", e.getMessage());
            return Optional.empty();
        }
        Optional<FailoverRecord> local = journal.unfinishedFailover();
        ClusterRun there = cluster.map(ZooKeeperRuns.Versioned::run).orElse(null);
        if (local.isPresent()) {
            FailoverRecord f = local.get();
            if (there != null && there.running() && there.localId(agent) == f.id() && agent.equals(there.agent())) {
                return claim(there, cluster.get().version(), f.id());
            }
            // Not the cluster's running run (any more): never resumed from this journal alone.
            Optional<ClusterRun> known;
            try {
                known = there != null && there.localId(agent) == f.id() ? Optional.of(there)
                        : runs.history(ZooKeeperRuns.KEEP).stream().filter(r -> r.localId(agent) == f.id()).findFirst();
            } catch (ZooKeeperRuns.Unavailable e) {
                LOG.warn("crash recovery waits: {}", e.getMessage());
                return Optional.empty();
            }
            if (known.isPresent() && !known.get().running()) {
                end(f, known.get().ending(), "finished by agent " + known.get().agent() + ": " + known.get().summary());
            } else if (known.isPresent()) {
                end(f, FailoverEnding.aborted(promoted(f)), "handed over: agent " + known.get().agent()
                        + " holds the cluster's run " + known.get().key() + " (vakt history shows it)");
            } else {
                end(f, FailoverEnding.aborted(promoted(f)), "not the cluster's run (ZooKeeper never took its first step,"
                        + " so no step of it ran here); detection decides afresh");
            }
        }
        if (there == null || !there.running()) return Optional.of(fresh());
        long id = importRun(there);
        Optional<StepRecorder> claimed = claim(there, cluster.get().version(), id);
        if (claimed.isEmpty()) {
            end(journal.failover(id).orElseThrow(), FailoverEnding.aborted(there.steps().stream()
                            .anyMatch(s -> promoted(s.name(), s.outcome()))),
                    "not adopted: another agent claimed the cluster's run " + there.key() + " first");
        }
        return claimed;
    }

    /** When the cluster's newest failover that promoted a standby ended, by ZooKeeper; empty when it cannot say. */
    public Optional<Instant> lastPromotionEnd() {
        try {
            return runs.lastPromotionEnd();
        } catch (ZooKeeperRuns.Unavailable e) {
            LOG.warn("the cluster's last failover is not known: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** A run of this agent's journal as the cluster records it. */
    static ClusterRun of(FailoverRecord f, String agent, Instant primaryLastWrite) {
        List<ClusterRun.Step> steps = f.steps().stream().map(s -> new ClusterRun.Step(s.name(), agent, s.startedAt(),
                s.endedAt(), s.outcome(), s.detail())).toList();
        return new ClusterRun(agent + "/" + f.id() + "@" + f.startedAt(), agent, Map.of(agent, f.id()), f.cluster(),
                f.fromNode(), f.toNode(), f.mode(), f.trigger(), f.epoch(), f.startedAt(), f.endedAt(), f.ending(),
                f.summary(), primaryLastWrite, steps);
    }

    private Optional<StepRecorder> claim(ClusterRun there, int version, long localId) {
        ClusterRun mine = there.adoptedBy(agent, localId, clock.instant());
        RunWrite w = runs.update(mine, version);
        if (w instanceof RunWrite.Written ok) {
            if (!agent.equals(there.agent())) {
                LOG.warn("agent {} adopts failover {} of agent {} (journaled here as {})", agent, there.key(), there.agent(), localId);
            }
            return Optional.of(ClusterRunRecorder.holding(runs, agent, journal, clock, mine, ok.version()));
        }
        LOG.warn("crash recovery waits: the cluster's run {} was not claimed: {}", there.key(), w);
        return Optional.empty();
    }

    /** Journals the cluster's run here with its steps so far: crash recovery reads them as its own. */
    private long importRun(ClusterRun r) {
        long id = journal.beginFailover(new NewFailover(r.cluster(), r.fromNode(), r.toNode(), r.mode(), r.trigger(), r.epoch()));
        if (r.primaryLastWrite() != null) journal.recordPrimaryLastWrite(id, r.primaryLastWrite());
        for (ClusterRun.Step s : r.steps()) {
            int seq = journal.stepStarted(id, s.name());
            if (s.outcome() != null) {
                journal.stepFinished(id, seq, s.outcome(), "agent " + s.agent() + " at " + s.startedAt()
                        + (s.detail() == null ? "" : ": " + s.detail()));
            }
        }
        journal.append(EventKind.FAILOVER_STEP, r.cluster(), r.toNode(), "failover " + id + " is the cluster's run "
                + r.key() + ", adopted from agent " + r.agent(), Map.of("cluster_run", r.key(), "from_agent", r.agent()));
        return id;
    }

    private void end(FailoverRecord f, FailoverEnding ending, String summary) {
        journal.closeInterruptedSteps(f.id(), "interrupted: another agent holds the run");
        journal.finishFailover(f.id(), ending, summary);
    }

    private static boolean promoted(FailoverRecord f) {
        return f.steps().stream().anyMatch(s -> promoted(s.name(), s.outcome()));
    }

    /** The point of no return had finished (skipped counts: it was found done). */
    private static boolean promoted(String step, StepOutcome outcome) {
        return step.equals(StepName.PROMOTE_STANDBY.name()) && (outcome == StepOutcome.OK || outcome == StepOutcome.SKIPPED);
    }
}
