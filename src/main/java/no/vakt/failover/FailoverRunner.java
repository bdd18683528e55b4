package no.vakt.failover;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Severity;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeOperations;
import no.vakt.db.NodeState;
import no.vakt.failover.detect.ClusterObservation;
import no.vakt.failover.detect.Detector;
import no.vakt.failover.detect.DetectorConfig;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.failover.detect.PrimaryProbe;
import no.vakt.failover.detect.StandbyProbe;
import no.vakt.failover.plan.ExecutionResult;
import no.vakt.failover.plan.FailoverPlan;
import no.vakt.failover.plan.FailoverPlanner;
import no.vakt.failover.plan.NodeView;
import no.vakt.failover.plan.PlanExecutor;
import no.vakt.failover.plan.PlanInput;
import no.vakt.failover.plan.RecoveryAction;
import no.vakt.failover.plan.RecoveryInput;
import no.vakt.failover.plan.RecoveryPlan;
import no.vakt.failover.plan.RecoveryPlanner;
import no.vakt.failover.plan.Refusal;
import no.vakt.failover.plan.StandbySnapshot;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepRecorder;
import no.vakt.failover.plan.Trigger;
import no.vakt.failover.steps.OldPrimaryDoor;
import no.vakt.failover.steps.OldPrimaryReachability;
import no.vakt.failover.steps.PromotionSteps;
import no.vakt.failover.steps.StepNodes;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverOwner;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.roles.LiveRoles;
import no.vakt.traffic.TrafficSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composes a failover: observe both nodes (I/O), plan (pure {@link FailoverPlanner}), and, when the
 * plan says PROCEED, execute the journaled steps ({@link PlanExecutor}). Refusals are journaled and
 * alerted. {@link #resumeUnfinished()} settles a failover a crash left running ({@link RecoveryPlanner}).
 *
 * <p>The old primary and the standby are the live roles, never the config's {@code role:} fields (stale
 * after the first failover): the monitor's, when it asks ({@link Request#roles()}), else read from the
 * servers now ({@link LiveRoles#settle}: the writable node that replicates from nobody; else the node the
 * surviving standby still follows; else the node the journal last promoted). A crash recovery takes the
 * nodes the journaled failover names.
 *
 * <p>How a run ends, and what is alerted: a failure before the promotion aborts it ({@code failover-step-failed});
 * once the standby is promoted every remaining step runs ({@link PlanExecutor}), and a failed traffic switch
 * leaves it completed with traffic pending ({@code failover-finished} says so; the switch itself sends the one
 * {@code traffic-switch-failed} alert with the command, and {@code vakt run} retries it, see
 * {@link #onTrafficPending}).
 */
public final class FailoverRunner {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverRunner.class);
    private final VaktConfig config;
    private final Journal journal;
    private final Clock clock;
    private final AlertSink alerts;
    private final TrafficSwitch traffic;
    private final FileSyncDirector files;
    private final NodeInspector inspector;
    /** For a look at a primary whose probes just failed (see {@link #justFailed}). */
    private final NodeInspector briefInspector;
    private final OperatorCommands commands;
    private volatile Runnable trafficPendingListener = () -> { };
    private volatile OldPrimaryDoor oldPrimaryDoor = OldPrimaryDoor.NONE;
    /** With agents: the cluster's record of failovers in ZooKeeper; null for a single monitor (the journal only). */
    private volatile ClusterRuns clusterRuns;
    /** With agents, one failover at a time in this process: a run started here, or the adoption of another agent's. */
    private final java.util.concurrent.locks.ReentrantLock acting = new java.util.concurrent.locks.ReentrantLock();
    private volatile Supplier<Optional<MonitorNoAnswer>> monitorNoAnswer = Optional::empty;

    /**
     * The monitor's latest probe of {@code node} failed at the connection level ({@code error} with its
     * SQLState) and ended at {@code at}; a later probe that answered clears it.
     */
    public record MonitorNoAnswer(String node, String error, Instant at) {}

    /** Who found the old primary silent when the plan takes the monitor's probe instead of looking again. */
    static final String MONITORS_PROBE = "the monitor's probe";
    private volatile no.vakt.failover.plan.StepGate stepGate = no.vakt.failover.plan.StepGate.OPEN;

    /**
     * What asks for the failover.
     *
     * @param detectedHealth the detector's verdict (automatic trigger); null lets the runner judge from
     *     one observation of both nodes (operator trigger)
     * @param primaryLastHeartbeat the newest heartbeat written on the old primary when the caller knows
     *     it, else null (the loss estimate then assumes the old primary wrote until now)
     */
    /**
     * @param roles the live roles as the monitor knows them; null to read them from the servers now
     *     (never from the config's {@code role:} fields, which are stale after a failover)
     */
    public record Request(Trigger trigger, PrimaryHealth detectedHealth, Instant primaryLastHeartbeat, LiveRoles roles) {
        public static Request operator(boolean confirm, boolean force) {
            return new Request(Trigger.operator(confirm, force), null, null, null);
        }

        public static Request automatic(PrimaryHealth health, Instant primaryLastHeartbeat) {
            return new Request(Trigger.automatic(), health, primaryLastHeartbeat, null);
        }

        public static Request automatic(PrimaryHealth health, Instant primaryLastHeartbeat, LiveRoles roles) {
            return new Request(Trigger.automatic(), health, primaryLastHeartbeat, roles);
        }
    }

    /**
     * Both nodes as seen before planning; epochs are null when the node has none or does not answer.
     * {@code primaryNoAnswer}: the connection-level failure (SQLState 08xxx) of the look at the primary, null
     * when it answered or failed otherwise; the run's FENCE_OLD_PRIMARY relies on it instead of waiting again.
     * {@code primaryNoAnswerAt} and {@code primaryNoAnswerBy}: when and by whom (the plan's look, or the monitor's
     * probe that made the verdict).
     */
    public record Observation(Instant at, NodeState primary, Long primaryEpoch, NodeState standby, Long standbyEpoch,
            PrimaryHealth health, String healthEvidence, String primaryNoAnswer, Instant primaryNoAnswerAt,
            String primaryNoAnswerBy) {
        public Node primaryNode() {
            return primary.node();
        }
    }

    /** A plan and what it was made from, before anything changed. */
    /** @param primaryLastWrite the bound on the old primary's newest write the plan used (null: unknown, "now") */
    public record Prepared(Request request, Observation observation, FailoverPlan plan, Instant primaryLastWrite) {}

    /**
     * How a request ended.
     *
     * @param execution null unless the plan proceeded
     * @param record the journaled failover (with its steps), null unless it ran or was refused
     */
    public record Outcome(FailoverPlan plan, ExecutionResult execution, FailoverRecord record) {
        /** The failover completed: the standby is the primary with the new epoch (traffic may still be pending). */
        public boolean completed() {
            return execution != null && execution.outcome() == FailoverOutcome.COMPLETED;
        }

        /** Completed, but the traffic switch failed: users may still be sent to the old primary. */
        public boolean trafficPending() {
            return execution != null && execution.trafficPending();
        }

        /** Each step with its outcome and duration, then the total. */
        public String renderSteps() {
            if (record == null) return "";
            StringBuilder b = new StringBuilder();
            for (var s : record.steps()) {
                long ms = s.endedAt() == null ? -1 : Duration.between(s.startedAt(), s.endedAt()).toMillis();
                b.append(String.format("  %d. %-18s %-8s %6s  %s%n", s.seq(), s.name(),
                        s.outcome() == null ? "running" : s.outcome().label(), ms < 0 ? "?" : ms + " ms",
                        s.detail() == null ? "" : s.detail()));
            }
            if (record.endedAt() != null) {
                b.append("Total: ").append(Duration.between(record.startedAt(), record.endedAt()).toMillis())
                        .append(" ms; failover ").append(record.id()).append(' ').append(record.label())
                        .append(summaryAfterLabel(record)).append('\n');
            }
            return b.toString();
        }
    }

    private static String summaryAfterLabel(FailoverRecord f) {
        if (f.summary() == null) return "";
        return ": " + ExecutionResult.afterLabel(f.ending(), f.summary());
    }

    /** What crash recovery decided and did. {@code execution} is null when it settled without running steps. */
    public record Recovery(RecoveryPlan plan, ExecutionResult execution, FailoverRecord record) {}

    public FailoverRunner(VaktConfig config, Journal journal, Clock clock, AlertSink alerts, TrafficSwitch traffic,
            FileSyncDirector files) {
        this(config, journal, clock, alerts, traffic, files, OperatorCommands.NONE);
    }

    /**
     * @param commands the commands plans and alerts name (approve, rejoin, traffic apply), with the
     *     {@code --config} of this process ({@link OperatorCommands#of})
     */
    public FailoverRunner(VaktConfig config, Journal journal, Clock clock, AlertSink alerts, TrafficSwitch traffic,
            FileSyncDirector files, OperatorCommands commands) {
        this.commands = commands;
        this.config = config;
        this.journal = journal;
        this.clock = clock;
        this.alerts = alerts;
        this.traffic = traffic;
        this.files = files;
        this.inspector = new NodeInspector(config.policy().checks().timeout());
        this.briefInspector = new NodeInspector(OldPrimaryReachability.recheckBoundFor(config.policy().checks().timeout()));
    }

    /** The commands this runner's plans and alerts name. */
    public OperatorCommands commands() {
        return commands;
    }

    /**
     * Called (on the failover's thread, after its alerts) whenever a failover this runner ran or resumed
     * completed with traffic pending: {@link FailoverWatch} wakes the traffic retry with it. Must not block.
     */
    public void onTrafficPending(Runnable listener) {
        this.trafficPendingListener = listener == null ? () -> { } : listener;
    }

    /**
     * Where the promotion hands an old primary that gave it no answer, once the standby is writable: the
     * monitor's door fence ({@link FailoverWatch} wires it). Must not block.
     */
    public void oldPrimaryDoor(OldPrimaryDoor door) {
        this.oldPrimaryDoor = door == null ? OldPrimaryDoor.NONE : door;
    }

    /**
     * With agents: record each failover in ZooKeeper before each step, honour the cluster's cooldown, and let
     * crash recovery adopt a failover another agent left running ({@link ClusterRuns}).
     */
    public void clusterRuns(ClusterRuns runs) {
        this.clusterRuns = runs;
    }

    /**
     * The monitor's latest no-answer from the live primary ({@link FailoverWatch} wires it): a failover started
     * by its verdict takes it instead of looking at that primary again (see {@link #justFailed}). Must not block.
     */
    public void monitorNoAnswer(Supplier<Optional<MonitorNoAnswer>> latest) {
        this.monitorNoAnswer = latest == null ? Optional::empty : latest;
    }

    /**
     * Asked before each step of the runs this runner starts or resumes; agents: authority and the epoch's
     * compare-and-set in ZooKeeper ({@link ActingGate#steps()}). Default: open.
     */
    public void stepGate(no.vakt.failover.plan.StepGate gate) {
        this.stepGate = gate == null ? no.vakt.failover.plan.StepGate.OPEN : gate;
    }

    /** A planned run was refused because this runner already runs one: try again when it ends (HTTP 409). */
    public static final class Busy extends IllegalStateException {
        Busy(String message) {
            super(message);
        }
    }

    /** A planned run (a switchover) in this daemon, given the gate and the recorder a failover of this runner gets. */
    @FunctionalInterface
    public interface PlannedRun<T> {
        T run(no.vakt.failover.plan.StepGate gate, StepRecorder recorder) throws Exception;
    }

    /**
     * Runs {@code run} as this runner's one run: never beside a failover or the adoption of one, and with agents
     * recorded in ZooKeeper like a failover (docs/ha.md). Holding the run also keeps the takeover poll
     * ({@link #leftUnfinished}) from taking this process's own switchover for one a crash left.
     */
    public <T> T planned(PlannedRun<T> run) throws Exception {
        if (!acting.tryLock()) throw new Busy("a failover (or the adoption of one) already runs in this agent");
        try {
            ClusterRuns cluster = clusterRuns;
            return run.run(stepGate, cluster == null ? StepRecorder.NONE : cluster.fresh());
        } finally {
            acting.unlock();
        }
    }

    /** The gate this runner's runs ask; a switchover in the same daemon asks it too. */
    public no.vakt.failover.plan.StepGate stepGate() {
        return stepGate;
    }

    /** Observes and plans; changes nothing. */
    public Prepared prepare(Request request) {
        Observation obs = observe(request);
        StandbySnapshot standby = StandbySnapshot.from(obs.standby(), obs.at());
        Optional<Instant> lastWritten = Optional.ofNullable(request.primaryLastHeartbeat());
        if (lastWritten.isEmpty() && obs.primary().reachable() && obs.primary().heartbeatLagMs() != null) {
            lastWritten = Optional.of(obs.at().minusMillis(obs.primary().heartbeatLagMs()));
        }
        if (lastWritten.isEmpty() && !obs.primary().reachable()) lastWritten = journaledLastWrite(obs.primaryNode().name());
        // The fencing token only grows: never plan an epoch a node already holds.
        long epoch = Math.max(Math.max(journal.currentEpoch(), stepGate.clusterEpoch().orElse(0)),
                Math.max(orZero(obs.primaryEpoch()), orZero(obs.standbyEpoch())));
        PlanInput input = PlanInput.builder()
                .cluster(config.cluster())
                .oldPrimary(obs.primaryNode().name())
                .mode(config.policy().failover())
                .trigger(request.trigger())
                .now(obs.at())
                .lastFailoverEnd(lastFailoverEnd().orElse(null))
                .cooldown(config.policy().cooldown())
                .maxApplyWait(config.policy().maxApplyWait())
                .primaryHealth(obs.health())
                .oldPrimaryReachable(obs.primary().reachable())
                .oldPrimaryBinlogPos(obs.primary().reachable() ? obs.primary().gtidBinlogPos() : null)
                .primaryLastHeartbeat(lastWritten.orElse(null))
                .standby(standby)
                .rpo(config.objectives().rpo())
                .currentEpoch(epoch)
                .failoverRunning(journal.unfinishedFailover().isPresent())
                .commands(commands)
                .build();
        return new Prepared(request, obs, FailoverPlanner.plan(input), lastWritten.orElse(null));
    }

    /** Acts on a prepared plan: runs it when it says PROCEED; journals and alerts a refusal. */
    public Outcome execute(Prepared prepared) {
        FailoverPlan plan = prepared.plan();
        Trigger trigger = plan.trigger();
        switch (plan.decision()) {
            case REFUSE -> {
                String reason = String.join("; ", plan.refusals().stream().map(Refusal::toString).toList());
                long id = journal.recordRefusal(plan.toNewFailover(), reason);
                alert(new Alert(trigger.isOperator() ? Severity.WARNING : Severity.CRITICAL, plan.cluster(),
                        "promotion of " + plan.toNode() + " refused", reason + "; evidence: "
                                + prepared.observation().healthEvidence() + "; expected loss: "
                                + plan.dataLoss().explanation(),
                        plan.approveCommand() == null ? "a person must look" : "if acceptable: " + plan.approveCommand(),
                        AlertKind.PROMOTION_REFUSED, plan.toNode()));
                return new Outcome(plan, null, journal.failover(id).orElse(null));
            }
            case WAIT_FOR_OPERATOR, NOTIFY_ONLY -> {
                if (!trigger.isOperator()) {
                    // Manual mode: the approve command, and the dashboard link the dispatcher adds.
                    alert(new Alert(Severity.CRITICAL, plan.cluster(), "primary " + plan.fromNode() + " is down",
                            prepared.observation().healthEvidence() + "; expected loss: " + plan.dataLoss().explanation(),
                            plan.approveCommand() == null ? "notify-only mode: Vakt does not promote"
                                    : "approve with: " + plan.approveCommand(),
                            plan.approveCommand() == null ? AlertKind.OTHER : AlertKind.APPROVAL_NEEDED, plan.fromNode()));
                }
                return new Outcome(plan, null, null);
            }
            case PROCEED -> {
                if (trigger.isOperator()) {
                    journal.append(EventKind.OPERATOR_ACTION, plan.cluster(), plan.toNode(),
                            "operator: vakt promote --confirm" + (trigger.force() ? " --force" : ""),
                            Map.of("from", plan.fromNode(), "to", plan.toNode(), "epoch", plan.newEpoch()));
                }
                alert(new Alert(trigger.isOperator() ? Severity.WARNING : Severity.CRITICAL, plan.cluster(),
                        "failover started: " + plan.fromNode() + " -> " + plan.toNode(),
                        prepared.observation().healthEvidence() + "; expected loss: " + plan.dataLoss().explanation(),
                        "Vakt is promoting " + plan.toNode() + " (" + (trigger.isOperator() ? "operator" : "automatic")
                                + ", epoch " + plan.newEpoch() + "); the outcome follows",
                        AlertKind.FAILOVER_STARTED, plan.toNode()));
                Instant lastWrite = prepared.primaryLastWrite();
                ClusterRuns cluster = clusterRuns;
                ExecutionResult result;
                if (cluster == null) {
                    result = executor(Optional.ofNullable(lastWrite), prepared.observation(), StepRecorder.NONE)
                            .start(plan, lastWrite);
                } else {
                    // Never wait behind the adoption of another agent's run: this plan would be stale after it.
                    if (!acting.tryLock()) {
                        throw new IllegalStateException("a failover (or the adoption of one) already runs in this agent");
                    }
                    try {
                        result = executor(Optional.ofNullable(lastWrite), prepared.observation(), cluster.fresh())
                                .start(plan, lastWrite);
                    } finally {
                        acting.unlock();
                    }
                }
                afterRun(result, plan.cluster());
                return new Outcome(plan, result, journal.failover(result.failoverId()).orElse(null));
            }
            default -> throw new AssertionError(plan.decision());
        }
    }

    /**
     * A failover is unfinished in the journal and nothing in this process runs one: with agents, a run this agent
     * stopped because ZooKeeper did not take a step or another agent held it, to settle while it has authority.
     */
    public boolean leftUnfinished() {
        return !acting.isLocked() && journal.unfinishedFailover().isPresent();
    }

    /** The newest end of a failover that promoted a standby: the journal's, or with agents the cluster's if later. */
    private Optional<Instant> lastFailoverEnd() {
        Optional<Instant> local = journal.lastFailoverEnd();
        ClusterRuns cluster = clusterRuns;
        if (cluster == null) return local;
        Optional<Instant> shared = cluster.lastPromotionEnd();
        return local.isEmpty() ? shared : shared.filter(s -> s.isAfter(local.get())).or(() -> local);
    }

    public Outcome run(Request request) {
        return execute(prepare(request));
    }

    /**
     * Settles a failover the journal still shows as running (a crash during it): fences what must not
     * write, then resumes from the first unfinished step, marks it completed, or stops it safely.
     * Empty when nothing was left running. The daemon calls this at start.
     */
    public Optional<Recovery> resumeUnfinished() {
        acting.lock();
        try {
            ClusterRuns cluster = clusterRuns;
            // With agents the cluster's record decides first: a run another agent left is imported into this journal
            // (not while another live process still runs this journal's row: that one is left to it, below).
            boolean leftToOwner = journal.unfinishedFailover().flatMap(this::activeOwner).isPresent();
            Optional<StepRecorder> recorder = cluster == null || leftToOwner ? Optional.of(StepRecorder.NONE)
                    : cluster.forRecovery();
            return recorder.isEmpty() ? Optional.empty() : recover(recorder.get());
        } finally {
            acting.unlock();
        }
    }

    private Optional<Recovery> recover(StepRecorder recorder) {
        Optional<FailoverRecord> running = journal.unfinishedFailover();
        if (running.isEmpty()) return Optional.empty();
        FailoverRecord f = running.get();
        Optional<String> ownerActive = activeOwner(f);
        if (ownerActive.isPresent()) {
            LOG.warn("failover {} is still run by {}: not adopted", f.id(), ownerActive.get());
            return Optional.of(new Recovery(new RecoveryPlan(f.id(), List.of(), RecoveryAction.LEFT_TO_OWNER, null,
                    "still run by " + ownerActive.get()), null, f));
        }
        Node old = nodeOf(f.fromNode());
        Node target = nodeOf(f.toNode());
        Seen oldSeen = look(old);
        Seen targetSeen = look(target);
        RecoveryPlan plan = RecoveryPlanner.plan(new RecoveryInput(f,
                NodeView.from(oldSeen.state(), oldSeen.epoch()), NodeView.from(targetSeen.state(), targetSeen.epoch()),
                journal.currentEpoch()));
        List<String> fenceProblems = new ArrayList<>();
        for (String name : plan.fenceFirst()) {
            try (DbSession db = inspector.open(nodeOf(name))) {
                NodeOperations.fence(db);
            } catch (SQLException e) {
                fenceProblems.add("fencing " + name + " failed: " + Errors.describe(e));
            }
        }
        if (!fenceProblems.isEmpty()) {
            if (plan.action() == RecoveryAction.RESUME_FROM && plan.resumeFrom().compareTo(StepName.PROMOTE_STANDBY) > 0) {
                // Past the point of no return stopping fixes nothing: the remaining steps (BUMP_EPOCH above all)
                // give the target the higher epoch, by which the monitor fences the stale node.
                plan = new RecoveryPlan(f.id(), plan.fenceFirst(), plan.action(), plan.resumeFrom(),
                        plan.reason() + "; " + String.join("; ", fenceProblems) + "; resuming anyway: "
                                + f.toNode() + " was promoted, the epoch must move");
            } else {
                // Resuming without the fence could leave two writable nodes: stop instead.
                plan = new RecoveryPlan(f.id(), plan.fenceFirst(), RecoveryAction.ABORT_SAFELY, null,
                        plan.reason() + "; " + String.join("; ", fenceProblems));
            }
        }
        journal.append(EventKind.FAILOVER_STEP, f.cluster(), f.toNode(), "crash recovery of failover " + f.id()
                + ": " + plan.action() + (plan.resumeFrom() == null ? "" : " " + plan.resumeFrom()),
                Map.of("reason", plan.reason(), "fenced", plan.fenceFirst()));
        // The bound the interrupted run checked against, not "now": the crash must not count as data loss.
        PlanExecutor executor = executor(journal.primaryLastWrite(f.id()), null, recorder);
        ExecutionResult result = null;
        if (plan.action() == RecoveryAction.RESUME_FROM) {
            result = executor.resume(f, plan.resumeFrom());
            afterRun(result, f.cluster());
        } else {
            executor.settle(f, plan);
            if (plan.action() == RecoveryAction.ABORT_SAFELY) {
                alert(new Alert(Severity.CRITICAL, f.cluster(), "failover " + f.id() + " stopped by crash recovery",
                        plan.reason(), "a person must check both nodes (" + commands.status() + ")",
                        AlertKind.FAILOVER_ABORTED, f.toNode()));
            }
        }
        return Optional.of(new Recovery(plan, result, journal.failover(f.id()).orElse(null)));
    }

    /**
     * Who still runs {@code f}, when that is another live process (or one on another host, which this one
     * cannot see): such a failover is not adopted. A row without an owner (journaled before owners were) and
     * one of this process are adopted: the daemon settles before it starts anything of its own.
     */
    private Optional<String> activeOwner(FailoverRecord f) {
        Optional<FailoverOwner> owner = journal.owner(f.id());
        if (owner.isEmpty() || owner.get().isCurrent()) return Optional.empty();
        Optional<Boolean> alive = owner.get().alive();
        if (alive.isPresent() && !alive.get()) return Optional.empty();
        return Optional.of(owner.get().describe() + (alive.isEmpty() ? ", on another host: settle it there, or by hand" : ""));
    }

    private void afterRun(ExecutionResult result, String cluster) {
        FailoverRecord f = journal.failover(result.failoverId()).orElse(null);
        String timings = f == null ? "" : timings(f);
        String to = f == null ? null : f.toNode();
        String from = f == null ? null : f.fromNode();
        FailoverEnding ending = result.ending();
        if (ending == FailoverEnding.ABORTED_BEFORE_PROMOTION) {
            alert(new Alert(Severity.CRITICAL, cluster, "failover " + result.failoverId() + " aborted at "
                    + result.stoppedAt(), result.detail() + (timings.isEmpty() ? "" : "; " + timings),
                    "nothing irreversible happened (" + (to == null ? "the standby" : to) + " was not promoted);"
                            + " a person must check both nodes (" + commands.status() + ") and vakt history",
                    AlertKind.FAILOVER_STEP_FAILED, to));
        } else if (ending == FailoverEnding.ABORTED_AFTER_PROMOTION && f != null) {
            alert(new Alert(Severity.CRITICAL, cluster, "failover " + f.id() + ": " + to + " is promoted, but "
                    + result.stoppedAt() + " failed", result.detail() + (timings.isEmpty() ? "" : "; " + timings),
                    to + " was promoted (past the point of no return) and every later step ran; " + from
                            + " stays read-only. Fix what failed (vakt history), then rebuild " + from
                            + " as a standby: " + commands.rejoin(from),
                    AlertKind.FAILOVER_STEP_FAILED, to));
        } else if (ending == FailoverEnding.COMPLETED_TRAFFIC_PENDING && f != null) {
            alert(new Alert(Severity.CRITICAL, cluster, "failover finished: " + to + " is the new primary, traffic switch"
                    + " pending", "failover " + f.id() + " from " + from + ", epoch " + f.epoch() + "; " + timings
                    + "; HANDOVER: " + f.lastRunOf(StepName.HANDOVER.name()).map(s -> s.detail()).orElse("?"),
                    to + " takes writes and holds epoch " + f.epoch() + "; file sync now pushes from " + to
                            + ". Users may still be sent to " + from + " until the traffic switch succeeds: vakt run"
                            + " retries it with backoff (each attempt in vakt history); once the cause is fixed, by hand: "
                            + commands.trafficApply() + ". " + from + " stays read-only until rebuilt as a standby ("
                            + commands.rejoin(from) + ")",
                    AlertKind.FAILOVER_FINISHED, to));
        } else if (ending == FailoverEnding.COMPLETED && f != null) {
            alert(new Alert(Severity.CRITICAL, cluster, "failover finished: " + to + " is the new primary",
                    "failover " + f.id() + " from " + from + ", epoch " + f.epoch() + "; " + timings,
                    "traffic and file sync now point at " + to + "; " + from
                            + " stays read-only until rebuilt as a standby (" + commands.rejoin(from) + ")",
                    AlertKind.FAILOVER_FINISHED, to));
        }
        if (ending == FailoverEnding.COMPLETED_TRAFFIC_PENDING) {
            try {
                trafficPendingListener.run();
            } catch (RuntimeException e) {
                // The retry also finds the pending switch in the journal on its own.
            }
        }
    }

    /** "total 312 ms: FENCE_OLD_PRIMARY ok 20 ms, ...", measured from the journal's step rows. */
    static String timings(FailoverRecord f) {
        StringBuilder b = new StringBuilder();
        if (f.endedAt() != null) b.append("total ").append(Duration.between(f.startedAt(), f.endedAt()).toMillis()).append(" ms");
        String steps = String.join(", ", f.steps().stream().map(s -> s.name() + " "
                + (s.outcome() == null ? "running" : s.outcome().label())
                + (s.endedAt() == null ? "" : " " + Duration.between(s.startedAt(), s.endedAt()).toMillis() + " ms")).toList());
        if (!steps.isEmpty()) b.append(b.length() == 0 ? "" : ": ").append(steps);
        return b.toString();
    }

    /** @param observation the look that planned this run (null: crash recovery, nothing known before it) */
    private PlanExecutor executor(Optional<Instant> primaryLastHeartbeat, Observation observation, StepRecorder recorder) {
        StepNodes nodes = new StepNodes(config, inspector);
        var checks = config.policy().checks();
        OldPrimaryReachability known = new OldPrimaryReachability(clock, checks.interval(), checks.timeout());
        if (observation != null && observation.primaryNoAnswer() != null) {
            known.foundBeforeRun(observation.primaryNode().name(), observation.primaryNoAnswerBy(),
                    observation.primaryNoAnswer(), observation.primaryNoAnswerAt());
        }
        return new PlanExecutor(journal, no.vakt.failover.plan.StepPlan.failover(PromotionSteps.create(config, nodes, journal,
                clock, alerts, traffic, files, () -> primaryLastHeartbeat, commands, known, oldPrimaryDoor)), stepGate, recorder);
    }

    /** The sink journals it (the dispatcher of the commands). */
    private void alert(Alert a) {
        alerts.send(a);
    }

    private Observation observe(Request request) {
        Node justFailed = justFailed(request);
        Optional<MonitorNoAnswer> monitorSaw = justFailed == null ? Optional.empty() : freshNoAnswer(justFailed);
        Seen a = look(config.primary(), justFailed, monitorSaw);
        Seen b = look(config.standby(), justFailed, monitorSaw);
        Node livePrimary = request.roles() != null ? request.roles().primary()
                : LiveRoles.settle(a.state(), a.epoch(), b.state(), b.epoch(), journal.epochHolder().orElse(null));
        Seen p = livePrimary.equals(a.state().node()) ? a : b;
        Seen s = p == a ? b : a;
        Instant at = clock.instant();
        PrimaryHealth health;
        String evidence;
        if (request.detectedHealth() != null) {
            health = request.detectedHealth();
            evidence = "detector: primary " + health;
        } else {
            // The operator asks now: one observation, both witnesses (the monitor's probe and the standby's link).
            Detector d = new Detector(new DetectorConfig(1, DetectorConfig.from(config.policy().checks()).standbyBound()));
            d.observe(new ClusterObservation(at, p.state().reachable() ? PrimaryProbe.succeeded()
                    : PrimaryProbe.failed(p.state().error()), StandbyProbe.from(s.state(), null)));
            health = d.state();
            evidence = d.lastEvidence();
        }
        return new Observation(at, p.state(), p.epoch(), s.state(), s.epoch(), health, evidence, p.noAnswer(),
                p.noAnswerAt(), p.lookedBy());
    }

    /**
     * @param noAnswer the connection-level failure, null when the node answered or failed otherwise
     * @param noAnswerAt when it was found; {@code lookedBy}: by whom
     */
    private record Seen(NodeState state, Long epoch, String noAnswer, Instant noAnswerAt, String lookedBy) {}

    /**
     * The monitor's no-answer from {@code node}, when its latest probe failed so at most {@code checks.interval}
     * ago: nothing newer is known about that node than this (the monitor would have cleared it).
     */
    private Optional<MonitorNoAnswer> freshNoAnswer(Node node) {
        Optional<MonitorNoAnswer> m;
        try {
            m = monitorNoAnswer.get();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return m.filter(n -> n.node().equals(node.name()) && !n.at().isAfter(now)
                && Duration.between(n.at(), now).compareTo(config.policy().checks().interval()) <= 0);
    }

    /** How far back the journal is searched for the monitor's DOWN event: one outage's worth of events. */
    private static final int DOWN_EVENT_SEARCH = 200;

    /**
     * The monitor's last heartbeat write on {@code primary}, from its newest DOWN event since the last
     * failover (a manual approval minutes after the death must not count those minutes as lost writes).
     */
    private Optional<Instant> journaledLastWrite(String primary) {
        Optional<Instant> since = journal.lastFailoverEnd();
        List<no.vakt.journal.JournalEvent> events = new ArrayList<>(journal.history(EventKind.STATE_CHANGE, DOWN_EVENT_SEARCH));
        java.util.Collections.reverse(events); // newest first
        for (var e : events) {
            if (!primary.equals(e.node()) || e.details() == null || since.map(s -> e.at().isBefore(s)).orElse(false)) continue;
            var v = e.details().get(Monitor.PRIMARY_LAST_WRITE);
            if (v != null && v.isTextual()) {
                try {
                    return Optional.of(Instant.parse(v.asText()));
                } catch (java.time.format.DateTimeParseException ignored) {
                    // not ours: keep looking
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The live primary whose probes just failed, when the detector's verdict says so (anything but HEALTHY
     * comes from failed probes, the last one within the last check interval), else null. The plan looks at
     * it again, but only within {@link OldPrimaryReachability#RECHECK_CONNECT_BOUND}, as the steps re-check
     * an old primary already found silent: a restarted server answers at once on a LAN, and a black-holed
     * one delays the promotion by that bound instead of a full connect timeout. FENCE_OLD_PRIMARY still
     * asks it with the full timeout.
     */
    private static Node justFailed(Request request) {
        boolean failed = request.detectedHealth() != null && request.detectedHealth() != PrimaryHealth.HEALTHY;
        return failed && request.roles() != null ? request.roles().primary() : null;
    }

    /**
     * The primary the monitor just lost is not asked again when the monitor's own latest probe found it not
     * answering within the last interval (a black hole costs the plan no wait at all); PROMOTE_STANDBY still
     * re-checks it before the standby becomes writable. Otherwise it is looked at briefly.
     */
    private Seen look(Node node, Node justFailed, Optional<MonitorNoAnswer> monitorSaw) {
        boolean failed = justFailed != null && justFailed.name().equals(node.name());
        if (failed && monitorSaw.isPresent()) {
            MonitorNoAnswer m = monitorSaw.get();
            return new Seen(NodeState.unreachable(node, m.error()), null, m.error(), m.at(), MONITORS_PROBE);
        }
        return lookWith(node, failed ? briefInspector : inspector);
    }

    private Seen look(Node node) {
        return lookWith(node, inspector);
    }

    private Seen lookWith(Node node, NodeInspector inspector) {
        try (DbSession db = inspector.open(node)) {
            NodeState state = inspector.inspect(node, db);
            long epoch = NodeOperations.epoch(db);
            return new Seen(state, epoch == 0 ? null : epoch, null, null, null);
        } catch (SQLException e) {
            return new Seen(NodeState.unreachable(node, Errors.describe(e)), null, StepNodes.noAnswer(e), clock.instant(),
                    OldPrimaryReachability.PLANS_LOOK);
        }
    }

    private Node nodeOf(String name) {
        return config.node(name).orElseThrow(() -> new IllegalStateException(
                "node " + name + " of the running failover is not in the config"));
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }
}
