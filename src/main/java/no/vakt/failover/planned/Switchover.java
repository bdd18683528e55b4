package no.vakt.failover.planned;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Sleeper;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.FenceLocks;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeOperations;
import no.vakt.failover.plan.ExecutionResult;
import no.vakt.failover.plan.PlanExecutor;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepPlan;
import no.vakt.failover.steps.BumpEpochStep;
import no.vakt.failover.steps.HandoverStep;
import no.vakt.failover.steps.PromoteStandbyStep;
import no.vakt.failover.steps.StepNodes;
import no.vakt.failover.steps.VerifyWriteStep;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalException;
import no.vakt.journal.NewFailover;
import no.vakt.replication.ChangeMaster;
import no.vakt.traffic.TrafficSwitch;
import no.vakt.warmup.Warmup;

/**
 * A planned, zero-data-loss role swap of a healthy pair: fence the primary, wait until the standby
 * holds exactly the primary's GTID position, promote the standby and prove it takes a write, then make
 * the old primary its replica, switch traffic and raise the epoch.
 *
 * <p>Roles come from the servers (see {@link LivePair}), so running it twice returns to the original
 * layout whatever the config's {@code role:} fields say. Until the standby has caught up nothing is
 * irreversible: when the wait times out the fence is lifted and the old primary keeps serving. Once the
 * standby is promoted every remaining step runs whatever failed before it (the epoch is raised, file sync
 * turns around), and a failed traffic switch only leaves traffic pending: the switchover completes, the
 * switch alerts, and {@code vakt run} retries it.
 *
 * <p>It is a failover's plan run by the same engine ({@link PlanExecutor}) with its own steps where a
 * switchover differs (see {@link #plan}); the journal rows carry the failover's step names, so crash
 * recovery settles an interrupted switchover as it settles a failover.
 */
public final class Switchover {
    /** The journal's mode label for a switchover; its trigger is {@code operator}. */
    public static final String MODE = "switchover";
    /** Journaled after VERIFY_WRITE: the old primary becomes the new one's replica. */
    public static final String REPOINT_STEP = SwitchoverStepName.REPOINT_OLD_PRIMARY.name();

    public enum Outcome { COMPLETED, ABORTED, REFUSED, DRY_RUN }

    /**
     * @param writeUnavailable from the fence to the verified write on the new primary; null when not reached
     * @param trafficPending the roles were swapped but the traffic switch failed: users may still be sent to the
     *     old primary until {@code vakt run}'s retry or {@code vakt traffic apply} moves them
     */
    public record Result(Outcome outcome, String from, String to, Duration writeUnavailable, long epoch, String detail,
            boolean trafficPending, boolean promoted) {
        /** How it ended, as journaled; null for a dry run, or one refused before the journal (nothing journaled). */
        public FailoverEnding ending() {
            return switch (outcome) {
                case COMPLETED -> FailoverEnding.completed(trafficPending);
                case ABORTED -> FailoverEnding.aborted(promoted);
                case REFUSED, DRY_RUN -> null;
            };
        }

        public Result(Outcome outcome, String from, String to, Duration writeUnavailable, long epoch, String detail) {
            this(outcome, from, to, writeUnavailable, epoch, detail, false);
        }

        /** {@code promoted}: past PROMOTE_STANDBY, so {@code to} is the primary; always for a completed one. */
        public Result(Outcome outcome, String from, String to, Duration writeUnavailable, long epoch, String detail,
                boolean trafficPending) {
            this(outcome, from, to, writeUnavailable, epoch, detail, trafficPending, outcome == Outcome.COMPLETED);
        }
    }

    /** @param catchUpTimeout how long the standby may take to reach the fenced primary's position */
    public record Options(Duration catchUpTimeout, Duration replicaStart, boolean dryRun) {}

    private final Journal journal;
    private final OperatorCommands commands;
    private final TrafficSwitch traffic;
    private final Clock clock;
    private final Duration connectTimeout;
    private no.vakt.failover.plan.StepGate gate = no.vakt.failover.plan.StepGate.OPEN;
    private no.vakt.failover.plan.StepRecorder recorder = no.vakt.failover.plan.StepRecorder.NONE;

    public Switchover(Journal journal, TrafficSwitch traffic, Clock clock, Duration connectTimeout) {
        this(journal, traffic, clock, connectTimeout, OperatorCommands.NONE);
    }

    /** @param commands the commands journaled for a person to run (with this config's --config) */
    public Switchover(Journal journal, TrafficSwitch traffic, Clock clock, Duration connectTimeout,
            OperatorCommands commands) {
        this.commands = commands;
        this.journal = journal;
        this.traffic = traffic;
        this.clock = clock;
        this.connectTimeout = connectTimeout;
    }

    /** Asked before each step (agents: authority, and the epoch's compare-and-set before the promotion). */
    public Switchover gated(no.vakt.failover.plan.StepGate stepGate) {
        this.gate = stepGate == null ? no.vakt.failover.plan.StepGate.OPEN : stepGate;
        return this;
    }

    /**
     * Where each step is recorded besides the journal (agents: the cluster's run in ZooKeeper, as for a failover, so
     * every agent's file sync follows the switchover and a new leader resumes one its predecessor left).
     */
    public Switchover recorded(no.vakt.failover.plan.StepRecorder stepRecorder) {
        this.recorder = stepRecorder == null ? no.vakt.failover.plan.StepRecorder.NONE : stepRecorder;
        return this;
    }

    public Result run(VaktConfig config, Options options, PrintWriter out) throws Exception {
        NodeInspector probe = new NodeInspector(connectTimeout);
        Node a = config.nodes().get(0);
        Node b = config.peerOf(a);
        LivePair pair;
        try {
            pair = LivePair.forSwitchover(probe.inspect(a), probe.inspect(b));
        } catch (LivePair.Refused e) {
            out.println("switchover refused: " + e.getMessage());
            return new Result(Outcome.REFUSED, null, null, null, 0, e.getMessage());
        }
        Node from = pair.primaryNode();
        Node to = pair.standbyNode();
        out.println("live roles: " + from.name() + " is primary, " + to.name() + " replicates from it"
                + (from.equals(config.primary()) ? "" : " (the config's role: fields say the opposite; the live roles count)"));
        if (options.dryRun()) {
            out.println("plan (dry run, nothing changed):");
            out.println("  1. " + StepName.FENCE_OLD_PRIMARY + ": " + fencePlan(probe, from, config));
            out.println("  2. " + StepName.APPLY_RELAY_LOG + ": MASTER_GTID_WAIT(" + from.name() + "'s gtid_binlog_pos, "
                    + options.catchUpTimeout().toMillis() + " ms) on " + to.name() + "; on timeout lift the fence and stop");
            out.println("  3. " + StepName.CHECK_DATA_LOSS + ": " + to.name() + "'s gtid_slave_pos must contain it");
            out.println("  4. " + StepName.PROMOTE_STANDBY + ": STOP SLAVE, RESET SLAVE ALL, read_only=OFF on " + to.name());
            out.println("  5. " + StepName.VERIFY_WRITE + ": canary write on " + to.name());
            out.println("  6. " + REPOINT_STEP + ": on " + from.name() + " SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos, "
                    + ChangeMaster.describe(to, config.replication()) + ", START SLAVE (read_only stays ON)");
            out.println("  7. " + StepName.HANDOVER + ": make " + to.name() + " the file-sync source, route traffic to it");
            out.println("  8. " + StepName.BUMP_EPOCH + ": next epoch in the journal and in " + to.name() + "'s vakt.cluster");
            return new Result(Outcome.DRY_RUN, from.name(), to.name(), null, 0, "dry run");
        }

        prewarm(config, from, to, out);
        String replPassword = config.replication().secret().resolve();
        // The catch-up wait runs inside one statement: the socket timeout must outlast it.
        NodeInspector sessions = new NodeInspector(connectTimeout.plus(options.catchUpTimeout()).plusSeconds(5));
        try (DbSession oldDb = sessions.open(from); DbSession newDb = sessions.open(to)) {
            long epoch = Math.max(Math.max(journal.currentEpoch(), gate.clusterEpoch().orElse(0)),
                    Math.max(NodeOperations.epoch(oldDb), NodeOperations.epoch(newDb))) + 1;
            long id;
            try {
                id = journal.beginFailover(new NewFailover(config.cluster(), from.name(), to.name(), MODE, "operator", epoch));
            } catch (IllegalStateException | JournalException e) {
                // Nothing changed yet: without a journal it does not start.
                out.println("switchover refused: " + e.getMessage());
                return new Result(Outcome.REFUSED, from.name(), to.name(), null, epoch, e.getMessage());
            }
            out.println("switchover " + id + ": " + from.name() + " -> " + to.name() + ", epoch " + epoch);
            SwitchoverState state = new SwitchoverState(config, from, to, oldDb, newDb);
            SwitchoverHooks hooks = new SwitchoverHooks(state, out, clock, commands);
            StepContext ctx = new StepContext(id, config.cluster(), from.name(), to.name(), epoch, true);
            ExecutionResult r = new PlanExecutor(journal, plan(state, hooks, probe, replPassword, options), gate, recorder)
                    .run(ctx);
            return report(r, state, hooks, ctx, out);
        }
    }

    /**
     * One warmup refresh before the roles change, so the new primary serves the shop's reads from memory
     * (docs/warm.md). Bounded by the section's budget and pace; a failure only says so: warmth is not safety.
     */
    private void prewarm(VaktConfig config, Node from, Node to, PrintWriter out) {
        if (!config.warmup().enabled()) return;
        try {
            out.println(new Warmup(config.warmup(), clock, Sleeper.REAL).refresh(from, to).summary());
        } catch (SQLException e) {
            out.println("warmup before the switchover failed (going on cold): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The failover's steps where they mean the same (promote, verify, hand-over, epoch), the switchover's own
     * where they differ: a graceful fence that must work, a catch-up to the fenced position, a zero-loss check,
     * and the old primary repointed as a replica. PROMOTE_STANDBY is the point of no return, as in a failover.
     */
    private StepPlan plan(SwitchoverState state, SwitchoverHooks hooks, NodeInspector probe, String replPassword,
            Options options) {
        StepNodes nodes = new StepNodes(state.config, probe);
        return new StepPlan(List.of(
                new GracefulFenceStep(state, clock),
                new CatchUpStep(state, options.catchUpTimeout()),
                new ZeroLossCheckStep(state),
                new PromoteStandbyStep(nodes),
                new VerifyWriteStep(nodes),
                new RepointOldPrimaryStep(state, replPassword, options.replicaStart(), clock),
                new HandoverStep(traffic, new SwitchoverFiles(journal, state), commands),
                new BumpEpochStep(nodes, journal, MODE)), StepName.PROMOTE_STANDBY, hooks);
    }

    private Result report(ExecutionResult r, SwitchoverState state, SwitchoverHooks hooks, StepContext ctx, PrintWriter out) {
        String from = state.from.name();
        String to = state.to.name();
        if (r.outcome() == FailoverOutcome.RUNNING) {
            String detail = "interrupted during " + r.stoppedAt().name() + ": left running for crash recovery (vakt run"
                    + " resumes it on its next start)";
            out.println("switchover " + detail);
            return new Result(Outcome.ABORTED, from, to, hooks.window(), ctx.newEpoch(), detail, false, r.promoted());
        }
        if (r.outcome() == FailoverOutcome.ABORTED) {
            out.println("switchover aborted: " + r.detail());
            return new Result(Outcome.ABORTED, from, to, r.promoted() ? hooks.window() : null, ctx.newEpoch(), r.detail(),
                    state.trafficPending, r.promoted());
        }
        String swapped = hooks.changed(ctx);
        String summary = r.trafficPending() ? r.detail() : swapped;
        out.println("switchover completed" + (r.trafficPending()
                ? ", traffic PENDING: " + ExecutionResult.afterLabel(r.ending(), summary) : ": " + swapped));
        if (!state.locked.isEmpty()) {
            out.println("note: " + FenceLocks.describe(state.locked, "stay locked on " + from) + " (read_only does not"
                    + " stop them on a replica); a switch-back or " + commands.rejoin(from) + " unlocks them");
        }
        if (state.filesTurned) {
            out.println("file sync: now " + to + (state.repointed ? " -> " + from : ", paused until a rejoin"));
        }
        if (!state.to.equals(state.config.primary())) {
            out.println("note: the config still names " + state.config.primary().name() + " as primary; Vakt uses the live"
                    + " roles, but update role: in the config when this layout is meant to stay");
        }
        return new Result(Outcome.COMPLETED, from, to, hooks.window(), ctx.newEpoch(), summary, r.trafficPending());
    }

    /**
     * What the fence does on this server, said as the server enforces it: MariaDB has no super_read_only,
     * so the accounts that still write under read_only are named, as the fence will lock them.
     */
    private static String fencePlan(NodeInspector probe, Node from, VaktConfig config) {
        String base = "read_only=ON on " + from.name() + " (";
        try (DbSession db = probe.open(from)) {
            return base + FenceLocks.enforcement(db, FenceLocks.exemptUsers(config)) + "), end client sessions";
        } catch (SQLException e) {
            return base + "MariaDB has no super_read_only; the accounts that bypass it could not be read: " + e.getMessage()
                    + "; they are locked for the fence), end client sessions";
        }
    }
}
