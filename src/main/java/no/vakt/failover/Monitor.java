package no.vakt.failover;

import java.io.Closeable;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.Checks;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeOperations;
import no.vakt.db.NodeState;
import no.vakt.failover.detect.ClusterObservation;
import no.vakt.failover.detect.Detector;
import no.vakt.failover.detect.DetectorConfig;
import no.vakt.failover.detect.FailoverTrigger;
import no.vakt.failover.detect.MonitorTick;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.failover.detect.StandbyProbe;
import no.vakt.failover.detect.SuspectReprobe;
import no.vakt.failover.detect.Transition;
import no.vakt.failover.plan.NodeView;
import no.vakt.failover.plan.ReturningPrimaryPolicy;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.replication.HeartbeatWriter;
import no.vakt.roles.LiveRole;
import no.vakt.roles.LiveRoles;
import no.vakt.warmup.Warmth;
import no.vakt.warmup.WarmupLoop;
import no.vakt.warmup.WarmupResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon behind {@code vakt run}: every {@code checks.interval} it probes the live primary and
 * inspects the standby (a suspect primary whose probe waited out its timeout: the missing failures in one tick,
 * overlapping, the standby after them: {@link SuspectReprobe}), feeds the {@link Detector}, and on every change
 * of state prints a line, logs it,
 * journals it with its evidence and tells the {@link FailoverTrigger}. It also writes the heartbeat on
 * the live primary ({@link HeartbeatWriter}, on its own thread so a slow write never delays a probe, and
 * read without waiting on that thread: {@link HeartbeatLoop}).
 *
 * <p>Each tick also judges the standby's replication ({@link ReplicationWatch}: broken, lag above the
 * RPO, or the primary's semi-sync fallen back to asynchronous) and alerts when that changes. When the
 * standby becomes the primary while its replication was in trouble, that condition is closed with an
 * INFO alert, so no grouped summary of it arrives later as if it still held.
 *
 * <p>Live roles: the primary is the node that is writable and replicating from nobody, read from the
 * servers at start, after every transition, and whenever the standby looks like a primary (a failover
 * happened) or the primary turns read-only. A node that did not answer earlier in the same tick is not
 * asked again by that resolution (a black-holed primary would cost a second connect timeout): it counts
 * as unreachable, and the next tick asks again. When both nodes are writable, the one with the lower
 * epoch is fenced ({@link ReturningPrimaryPolicy}); with equal or unreadable epochs the journal's last
 * promotion decides which one; only without one does Vakt alert and fence nothing.
 *
 * <p>Threads: one scheduler thread runs every tick, every {@code checks.interval} from start to start
 * ({@link TickLoop}: a tick that waited on a timeout does not stretch the cadence, ticks never overlap,
 * and a stall is never followed by a burst of catch-up ticks); all detector state is confined to that
 * thread. Probes run on the {@link NodeProber}'s threads with deadlines.
 * Lifecycle: LATENT, then STARTED by {@link #start()}, then CLOSED by {@link #close()} (idempotent, safe
 * from a shutdown hook).
 */
public final class Monitor implements Closeable {
    /** Journal detail of a DOWN transition: when the monitor last wrote the heartbeat on that primary. */
    public static final String PRIMARY_LAST_WRITE = "primary-last-write";

    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
    /** Retries of a failover that stopped before the promotion, per outage: bounded, a person looks after that. */
    /**
     * Retries of a failover that stopped before the promotion, per outage: spaced by doubling from one check
     * interval up to {@link #MAX_RETRY_SPACING}, so 8 of them cover a cause that heals within a minute or two
     * (a full journal disk that is freed, a standby busy applying) without hammering a cause that does not.
     */
    static final int MAX_FAILOVER_RETRIES = 8;
    static final Duration MAX_RETRY_SPACING = Duration.ofSeconds(30);

    private enum Lifecycle { LATENT, STARTED, CLOSED }

    private final VaktConfig config;
    private final Journal journal;
    private final FailoverTrigger trigger;
    private final AlertSink alerts;
    private final Clock clock;
    private final Consumer<String> out;
    private final OperatorCommands commands;
    private final Checks checks;
    private final DetectorConfig detectorConfig;
    private final NodeProber prober;
    private final ScheduledThreadPoolExecutor scheduler;
    private final TickLoop loop;
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.LATENT);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final ReceiveAgeTracker receiveAge = new ReceiveAgeTracker();
    private final DoorFence doorFence;
    private final PrimaryOpener opener;
    private final ActingGate gate;
    private volatile Consumer<MonitorTick> tickListener = tick -> {};
    /** The agents' quorum (FailoverWatch): every tick's look is published, apart from {@link #onTick}'s listener. */
    private volatile Consumer<MonitorTick> quorumListener = tick -> {};
    private ReplicationWatch replication;

    // Confined to the scheduler thread, except the volatile views for callers.
    private volatile LiveRoles roles;
    private volatile PrimaryHealth health = PrimaryHealth.UNKNOWN;
    private volatile Thread loopThread;
    private Detector detector;
    private volatile HeartbeatLoop heartbeat;
    private volatile WarmupLoop warmup;
    private volatile java.time.Instant lastHeartbeat;
    private boolean downReported;
    private int failoverRetries;
    private java.time.Instant nextRetryAt;
    private String lastRoleAlert;
    private Duration warnedHeartbeatPeriod;
    /** How long the last probe of the primary took: one that waited out its timeout starts quick re-probes. */
    private Duration lastProbeTook = Duration.ZERO;
    private volatile FailoverRunner.MonitorNoAnswer primaryNoAnswer;

    /**
     * @param out receives one line per state change (the command prints them); must not block
     */
    public Monitor(VaktConfig config, Journal journal, FailoverTrigger trigger, AlertSink alerts, Clock clock,
            Consumer<String> out) {
        this(config, journal, trigger, alerts, clock, out, OperatorCommands.NONE);
    }

    /**
     * @param out receives one line per state change (the command prints them); must not block
     * @param commands the commands its alerts name (rejoin, replicate), with the daemon's {@code --config}
     */
    public Monitor(VaktConfig config, Journal journal, FailoverTrigger trigger, AlertSink alerts, Clock clock,
            Consumer<String> out, OperatorCommands commands) {
        this(config, journal, trigger, alerts, clock, out, commands, ActingGate.ALWAYS);
    }

    /**
     * @param gate asked before each action the monitor itself starts (door fence, fencing a returning primary,
     *     opening a read-only primary); the failover's own check is in the trigger
     */
    public Monitor(VaktConfig config, Journal journal, FailoverTrigger trigger, AlertSink alerts, Clock clock,
            Consumer<String> out, OperatorCommands commands, ActingGate gate) {
        this.gate = gate;
        this.commands = commands;
        this.config = config;
        this.journal = journal;
        this.trigger = trigger;
        this.alerts = alerts;
        this.clock = clock;
        this.out = out;
        this.checks = config.policy().checks();
        this.detectorConfig = DetectorConfig.from(checks);
        this.prober = new NodeProber(checks.timeout());
        this.doorFence = new DoorFence(config.cluster(), no.vakt.db.FenceLocks.exemptUsers(config), journal, alerts, clock, out);
        this.opener = new PrimaryOpener(config.cluster(), config.primary().name(), journal, alerts, clock, out,
                prober.inspector());
        opener.clusterEpoch(gate::knownEpoch);
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vakt-monitor");
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
        // close() must not wait out the pending tick's delay: a pending tick is dropped at shutdown, the
        // running one finishes.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setRemoveOnCancelPolicy(true);
        this.loop = new TickLoop(checks.interval(), System::nanoTime,
                (task, delayNanos) -> scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS), this::tickSafely);
    }

    /** Starts ticking in the background; the first tick reads the live roles. */
    public Monitor start() {
        if (!lifecycle.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("the monitor was already " + lifecycle.get().name().toLowerCase());
        }
        loop.start();
        warmup = WarmupLoop.start(config.warmup(), clock, this::roles, () -> gate.mayAct("warm the standby"), this::emit,
                this::journalWarmup);
        return this;
    }

    /**
     * Receives every tick's observation (the dashboard keeps its lag history from them). Called on the
     * monitor's thread: it must be quick and must not block; what it throws is logged and ignored.
     */
    public void onTick(Consumer<MonitorTick> listener) {
        this.tickListener = listener;
    }

    /** Every tick also goes to the agents' quorum ({@link PrimaryQuorum#publish}). */
    void publishTicksTo(Consumer<MonitorTick> listener) {
        this.quorumListener = listener;
    }

    /** The detector's current verdict on the live primary. */
    public PrimaryHealth health() {
        return health;
    }

    /**
     * The latest probe of the live primary, when it failed at the connection level (refused, reset, connect
     * timeout); empty when it answered or failed otherwise. Read by the failover this monitor's verdict starts.
     */
    public Optional<FailoverRunner.MonitorNoAnswer> primaryNoAnswer() {
        return Optional.ofNullable(primaryNoAnswer);
    }

    /** The live roles, null before the first tick. */
    public LiveRoles roles() {
        return roles;
    }

    /** Waits until closed or the timeout passes; true when closed. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        Lifecycle before = lifecycle.getAndSet(Lifecycle.CLOSED);
        if (before == Lifecycle.CLOSED) {
            // A second caller (the shutdown hook and the command both close) waits for the first to finish.
            try {
                closed.await(checks.timeout().toMillis() * 8 + 5000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        scheduler.shutdown();
        if (Thread.currentThread() != loopThread) {
            try {
                // A tick is bounded by two probe deadlines plus role reads; wait for it to finish cleanly.
                if (!scheduler.awaitTermination(checks.timeout().toMillis() * 8 + 2000, TimeUnit.MILLISECONDS)) {
                    scheduler.shutdownNow();
                }
            } catch (InterruptedException e) {
                scheduler.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        stopHeartbeat();
        if (warmup != null) warmup.close();
        doorFence.close();
        prober.close();
        if (before == Lifecycle.STARTED) {
            emit("monitor stopped");
        }
        closed.countDown();
    }

    // ---- the loop ----

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            // One failed tick must not end the loop: the monitor must keep watching.
            LOG.error("monitor tick failed: {}", e.toString(), e);
        }
    }

    private void tick() {
        if (lifecycle.get() != Lifecycle.STARTED) return;
        if (roles == null) resolveRoles();
        LiveRoles r = roles;
        SuspectReprobe reprobe = SuspectReprobe.next(detector.consecutiveFailures(), detectorConfig, checks.interval(),
                lastProbeTook, checks.timeout());
        // Re-probing a suspect primary, the standby is inspected after the probes: its witness is then as
        // recent as the last failure it confirms (inspected with the first, its silence would be too young).
        boolean standbyLast = reprobe.probes() > 1;
        Future<NodeProber.StandbySample> s = standbyLast ? null : prober.inspectStandby(r.standby());
        java.time.Instant standbyAt = clock.instant();
        List<NodeProber.TimedPrimarySample> probes = prober.probePrimary(r.primary(), reprobe, clock);
        if (standbyLast) {
            standbyAt = clock.instant();
            s = prober.inspectStandby(r.standby());
        }
        NodeProber.StandbySample standby = prober.awaitStandby(s, r.standby());
        NodeProber.PrimarySample primary = probes.get(probes.size() - 1).sample();
        java.time.Instant at = probes.get(probes.size() - 1).at();
        lastProbeTook = probes.get(probes.size() - 1).took();
        // Before the detector's verdict: a failover it starts plans with this instead of asking again.
        primaryNoAnswer = primary.noAnswer() == null ? null
                : new FailoverRunner.MonitorNoAnswer(r.primary().name(), primary.noAnswer(), clock.instant());
        if (Boolean.FALSE.equals(primary.readOnly())) opener.seenWritable(r.primary().name(), at);
        if (!primary.probe().ok()) opener.seenDown(r.primary().name());
        checkHeartbeatPeriod(standby.heartbeatPeriod());
        Long age = standby.state().reachable() ? receiveAge.observe(standbyAt, standby.fingerprint()) : null;
        if (!standby.state().reachable()) receiveAge.reset();
        StandbyProbe witness = StandbyProbe.from(standby.state(), age).withHeartbeatPeriod(standby.heartbeatPeriod());
        Optional<Transition> t = Optional.empty();
        for (NodeProber.TimedPrimarySample probe : probes) {
            // In start order; at most the last one changes the state (the probes stop at the first success).
            Optional<Transition> one = detector.observe(new ClusterObservation(probe.at(), probe.sample().probe(), witness));
            if (one.isPresent()) t = one;
        }
        health = detector.state();
        // Published before the trigger runs, so observers see DOWN while a failover is under way.
        publish(new MonitorTick(at, r, health, primary.probe(), primary.readOnly(), standby.state(),
                lastHeartbeatWritten()));
        t.ifPresent(tr -> onTransition(r, tr));
        boolean retried = t.isEmpty() && retryFailover(r, at);
        replication.observe(standby.state(), health, r.primary().name(), primary.semiSync()).ifPresent(this::alertReplication);
        boolean rolesMayHaveChanged = LiveRole.of(standby.state()) == LiveRole.PRIMARY
                || Boolean.TRUE.equals(primary.readOnly());
        if (!(t.isPresent() || retried || rolesMayHaveChanged)) {
            keepDoorFence(r, standby.state(), at);
            return;
        }
        List<NodeState> noAnswer = noAnswerThisTick(r, primary, standby);
        resolveRoles(noAnswer);
        LiveRoles now = roles;
        if (now.equals(r)) {
            keepDoorFence(r, standby.state(), at);
            return;
        }
        // A failover just made the dead primary the standby: the fence its promotion armed stays, decided on
        // the new roles (deciding on the old ones first stopped it, the new standby being the old one's peer).
        Optional<NodeState> newStandby = noAnswer.stream().filter(n -> n.node().name().equals(now.standby().name())).findFirst();
        if (newStandby.isPresent()) {
            keepDoorFence(now, newStandby.get(), at);
        } else {
            doorFence.keep(Optional.empty(), now.standby(), at); // it answered this tick: nothing to wait for
        }
    }

    /**
     * PROMOTE_STANDBY of a failover this monitor runs made {@code ctx.toNode()} writable without an answer from
     * {@code ctx.fromNode()}: wait at its door from now on ({@link no.vakt.failover.steps.OldPrimaryDoor}),
     * not from the tick after the failover. The policy keeps it or stops it from the next decision on.
     */
    void guardOldPrimary(no.vakt.failover.plan.StepContext ctx) {
        String old = ctx.fromNode();
        config.node(old).ifPresent(node -> doorFence.keep(Optional.of(new DoorFencePolicy.Target(old,
                DoorFencePolicy.reason(old, ctx.toNode(), ctx.failoverId(), ctx.newEpoch()))), node, clock.instant()));
    }

    /** Whether a door fence waits at {@code node} now (status and tests). */
    public boolean doorFenceWaitingAt(String node) {
        return doorFence.waitingAt(node);
    }

    /**
     * The nodes that did not answer in this tick, as this tick saw them. Role resolution later in the same
     * tick takes them as unreachable instead of asking again: the probe that just failed on a black-holed
     * primary already waited a full connect timeout, and a second wait would only delay the next tick.
     * What a live node says is not lost: the standby's own sample shows a promotion (rolesMayHaveChanged),
     * and a primary that answers again is inspected by the resolution after its HEALTHY transition.
     */
    static List<NodeState> noAnswerThisTick(LiveRoles r, NodeProber.PrimarySample primary,
            NodeProber.StandbySample standby) {
        List<NodeState> out = new ArrayList<>(2);
        if (!primary.probe().ok()) out.add(NodeState.unreachable(r.primary(), primary.probe().error()));
        if (!standby.state().reachable()) out.add(standby.state());
        return out;
    }

    /**
     * The receive age is sampled once per interval and moves at least once per replication heartbeat
     * period (vakt replicate sets 250 ms), so a live primary can look up to period + interval silent. When
     * that reaches the standby bound, a live primary could be read as silent: warn once (silence alone
     * would then be a weak witness; a person should lower MASTER_HEARTBEAT_PERIOD).
     */
    private void checkHeartbeatPeriod(Duration period) {
        if (period == null || period.isZero() || period.equals(warnedHeartbeatPeriod)) return;
        if (period.plus(checks.interval()).compareTo(detectorConfig.standbyBound()) >= 0) {
            warnedHeartbeatPeriod = period;
            String line = "WARNING: the standby's replication heartbeat period " + period.toMillis()
                    + " ms plus the check interval reaches the standby bound " + detectorConfig.standbyBound().toMillis()
                    + " ms: a quiet live primary may look silent; set MASTER_HEARTBEAT_PERIOD below "
                    + detectorConfig.standbyBound().minus(checks.interval()).toMillis() + " ms (vakt replicate uses 250 ms)";
            emit(line);
            LOG.warn(line);
        }
    }

    private void onTransition(LiveRoles r, Transition t) {
        String primary = r.primary().name();
        emit("primary " + primary + " " + t.from() + " -> " + t.to() + ": " + t.evidence());
        if (t.to().alerting() || t.to() == PrimaryHealth.UNKNOWN) {
            LOG.warn("primary {} {} -> {}: {}", primary, t.from(), t.to(), t.evidence());
        } else {
            LOG.info("primary {} {} -> {}: {}", primary, t.from(), t.to(), t.evidence());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", t.from().name());
        details.put("to", t.to().name());
        details.put("consecutive-failures", t.consecutiveFailures());
        details.put("failures-threshold", detectorConfig.failures());
        details.put("standby", r.standby().name());
        details.put("evidence", t.evidence());
        // The newest write the monitor made on the primary: an operator's `vakt promote` later bounds the
        // data loss with it instead of assuming the dead primary wrote until the moment of approval.
        java.time.Instant lastWrite = lastHeartbeatWritten();
        if (t.to() == PrimaryHealth.DOWN && lastWrite != null) details.put(PRIMARY_LAST_WRITE, lastWrite.toString());
        journal("primary " + primary + " " + t.from() + " -> " + t.to(), primary, details);
        try {
            if (t.to() == PrimaryHealth.DOWN && !downReported) {
                downReported = true;
                trigger.primaryDown(r, t);
            } else if (t.to() == PrimaryHealth.UNREACHABLE_FROM_MONITOR) {
                trigger.unreachableFromMonitor(r, t);
            } else {
                trigger.stateChanged(r, t);
            }
        } catch (RuntimeException e) {
            LOG.error("the failover trigger failed on {} -> {}: {}", t.from(), t.to(), e.toString(), e);
        }
        if (t.to() == PrimaryHealth.HEALTHY) {
            downReported = false;
            failoverRetries = 0;
            nextRetryAt = null;
        }
    }

    /**
     * The failover started at DOWN stopped before the promotion (nothing irreversible happened) and the
     * primary is still DOWN: start it again, spaced by doubling and {@link #MAX_FAILOVER_RETRIES} times
     * per outage (a primary seen healthy, or a change of the live roles, starts a new outage). Returns
     * whether it did.
     */
    private boolean retryFailover(LiveRoles r, java.time.Instant at) {
        if (health != PrimaryHealth.DOWN || !downReported || failoverRetries >= MAX_FAILOVER_RETRIES) return false;
        if (nextRetryAt != null && at.isBefore(nextRetryAt)) return false;
        boolean wanted;
        try {
            wanted = trigger.retryWanted();
        } catch (RuntimeException e) {
            return false;
        }
        if (!wanted) return false;
        failoverRetries++;
        Duration spacing = checks.interval().multipliedBy(1L << Math.min(20, failoverRetries - 1));
        nextRetryAt = at.plus(spacing.compareTo(MAX_RETRY_SPACING) > 0 ? MAX_RETRY_SPACING : spacing);
        String primary = r.primary().name();
        String line = "primary " + primary + " still DOWN and a failover is wanted again (one stopped before the promotion,"
                + " or a maintenance pause ended): retry "
                + failoverRetries + "/" + MAX_FAILOVER_RETRIES + " (" + detector.lastEvidence() + ")";
        emit(line);
        LOG.warn(line);
        journal(line, primary, Map.of("retry", failoverRetries, "max-retries", MAX_FAILOVER_RETRIES,
                "evidence", detector.lastEvidence()));
        try {
            trigger.primaryStillDown(r, new Transition(at, PrimaryHealth.DOWN, PrimaryHealth.DOWN,
                    detector.consecutiveFailures(), detector.lastEvidence()));
        } catch (RuntimeException e) {
            LOG.error("the failover retry failed: {}", e.toString(), e);
        }
        return true;
    }

    // ---- live roles ----

    /** Reads both nodes and settles which one is the primary now; switches to it when it changed. */
    private void resolveRoles() {
        resolveRoles(List.of());
    }

    /**
     * As {@link #resolveRoles()}, but a node in {@code noAnswer} (it did not answer earlier in this tick)
     * is taken as that unreachable state and not asked again.
     */
    private void resolveRoles(List<NodeState> noAnswer) {
        Node current = roles != null ? roles.primary() : config.primary();
        Node other = config.peerOf(current);
        Future<NodeState> fa = inspectUnlessKnown(current, noAnswer);
        Future<NodeState> fb = inspectUnlessKnown(other, noAnswer);
        NodeState a = prober.awaitState(fa, current);
        NodeState b = prober.awaitState(fb, other);
        boolean aWritable = LiveRole.of(a) == LiveRole.PRIMARY;
        boolean bWritable = LiveRole.of(b) == LiveRole.PRIMARY;
        Node chosen = current;
        if (aWritable && bWritable) {
            chosen = settleTwoPrimaries(a, b);
        } else if (bWritable) {
            chosen = other;
            lastRoleAlert = null;
        } else if (!aWritable && LiveRole.of(a) == LiveRole.STANDBY && LiveRole.of(b) != LiveRole.STANDBY) {
            // Neither writable, and "current" replicates: the other one is the (dead) primary.
            chosen = other;
            lastRoleAlert = null;
        } else {
            lastRoleAlert = null;
        }
        LiveRoles next = new LiveRoles(chosen, config.peerOf(chosen));
        if (!next.equals(roles)) switchTo(next);
        NodeState primaryState = chosen.equals(a.node()) ? a : b;
        NodeState standbyState = chosen.equals(a.node()) ? b : a;
        // A settled primary that is up but read-only (restarted: every node's my.cnf says read_only=ON).
        if (LiveRole.of(primaryState) == LiveRole.IDLE) {
            if (gate.mayAct("open the read-only primary")) opener.consider(primaryState, standbyState);
        } else if (LiveRole.of(primaryState) == LiveRole.PRIMARY) {
            opener.primaryWritable();
        }
    }

    /**
     * Why the live primary is read-only and what Vakt does about it ({@link PrimaryOpenPolicy}); null when it
     * was last seen writable.
     */
    public PrimaryOpenPolicy.Verdict primaryReadOnly() {
        return opener.last();
    }

    /** For the dashboard: the live primary is read-only and why Vakt leaves it so; empty when it is writable. */
    public Optional<String> primaryReadOnlyWarning() {
        PrimaryOpenPolicy.Verdict v = opener.last();
        LiveRoles r = roles;
        if (v == null || r == null || v.action() == PrimaryOpenPolicy.Action.NONE) return Optional.empty();
        return Optional.of("primary " + r.primary().name() + " is read-only: the application cannot write; Vakt does"
                + " not open it yet: " + v.reason() + " (" + PrimaryOpenPolicy.WHEN + ")");
    }

    private Future<NodeState> inspectUnlessKnown(Node node, List<NodeState> noAnswer) {
        for (NodeState s : noAnswer) {
            if (s.node().name().equals(node.name())) return CompletableFuture.completedFuture(s);
        }
        return prober.inspect(node);
    }

    /**
     * Both nodes are writable: the one with the higher epoch keeps the role, the other is fenced. With
     * equal or unreadable epochs the journal's last promotion decides (the node it last recorded as
     * primary, as crash recovery and {@link LiveRoles#settle} use it); only without such a record (or when it
     * names neither node) is there no safe choice: keep the current one, fence nothing, alert loudly.
     */
    private Node settleTwoPrimaries(NodeState a, NodeState b) {
        Long ea = epochOf(a.node());
        Long eb = epochOf(b.node());
        if (ea == null || eb == null || ea.longValue() == eb.longValue()) {
            Optional<String> holder = journalEpochHolder();
            String epochs = a.node().name() + " epoch " + ea + ", " + b.node().name() + " epoch " + eb;
            if (holder.isEmpty() || !(holder.get().equals(a.node().name()) || holder.get().equals(b.node().name()))) {
                alertOnce(new Alert(no.vakt.cluster.Severity.CRITICAL, config.cluster(), "both nodes are writable",
                        epochs + ", and the journal records no promotion of either: Vakt cannot tell which one is the primary",
                        "fence the stale one by hand (SET GLOBAL read_only=ON) and rebuild it as a standby"),
                        a.node().name());
                return a.node();
            }
            boolean aWins = holder.get().equals(a.node().name());
            return fenceLoser(aWins ? a : b, aWins ? ea : eb, aWins ? b : a, aWins ? eb : ea,
                    epochs + " (" + (ea == null || eb == null ? "unreadable" : "equal") + "): the journal's last promotion"
                            + " made " + holder.get() + " the primary; ");
        }
        NodeState winner = ea > eb ? a : b;
        NodeState loser = ea > eb ? b : a;
        return fenceLoser(winner, Math.max(ea, eb), loser, Math.min(ea, eb), "");
    }

    /** Fences {@code loser} as the policy says (a returning primary), alerts, and returns the winner. */
    private Node fenceLoser(NodeState winner, Long winnerEpoch, NodeState loser, Long loserEpoch, String why) {
        long clusterEpoch = Math.max(Math.max(loserEpoch == null ? 0 : loserEpoch, winnerEpoch == null ? 0 : winnerEpoch),
                journalEpoch());
        ReturningPrimaryPolicy.Verdict v = ReturningPrimaryPolicy.decide(
                NodeView.from(loser, loserEpoch), winner.node().name(), clusterEpoch);
        String action = "none";
        if (v.action() == ReturningPrimaryPolicy.Action.KEEP_READ_ONLY && !gate.mayAct("fence " + loser.node().name())) {
            action = "not fenced by this agent: it has no authority (the leading agent fences)";
        } else if (v.action() == ReturningPrimaryPolicy.Action.KEEP_READ_ONLY) {
            try (DbSession db = prober.inspector().open(loser.node())) {
                String locks = lockBypassingAccounts(db);
                int killed = NodeOperations.fence(db);
                action = "fenced " + loser.node().name() + " (read_only=ON, " + killed + " client connections ended; "
                        + locks + ")";
            } catch (SQLException e) {
                action = "fencing " + loser.node().name() + " FAILED: " + Errors.describe(e) + "; fence it by hand now";
            }
        }
        if (v.severity() != null) {
            alertOnce(new Alert(v.severity(), config.cluster(), "both nodes are writable: " + loser.node().name()
                    + " is a returning primary", why + v.reason(), action), loser.node().name());
        }
        return winner.node();
    }

    /** Accounts that write through read_only (READ ONLY ADMIN) are locked first; failing that, read_only still goes on. */
    private String lockBypassingAccounts(DbSession db) {
        return no.vakt.db.FenceLocks.lockForDetail(db, no.vakt.db.FenceLocks.exemptUsers(config), "locked until a rejoin");
    }

    private Optional<String> journalEpochHolder() {
        try {
            return journal.epochHolder();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** An old primary that does not answer gets a fence waiting at its door ({@link DoorFencePolicy}). */
    private void keepDoorFence(LiveRoles r, NodeState standby, java.time.Instant observedAt) {
        Optional<no.vakt.journal.FailoverRecord> last = Optional.empty();
        if (!standby.reachable()) {
            try {
                // RUNNING too: roles that already match it mean its promotion is done, only its last steps run.
                last = journal.failovers(10).stream()
                        .filter(f -> f.promoted() || f.outcome() == no.vakt.journal.FailoverOutcome.RUNNING).findFirst();
            } catch (RuntimeException e) {
                LOG.warn("door fence: cannot read the journal: {}", e.toString());
            }
        }
        Optional<DoorFencePolicy.Target> target = DoorFencePolicy.decide(last, r, standby);
        // Without authority a fence already waiting stops waiting: only the leading agent fences.
        if (target.isPresent() && !gate.mayAct("door fence at " + r.standby().name())) target = Optional.empty();
        doorFence.keep(target, r.standby(), observedAt);
    }

    private Long epochOf(Node node) {
        try (DbSession db = prober.inspector().open(node)) {
            return NodeOperations.epoch(db);
        } catch (SQLException e) {
            LOG.warn("cannot read the epoch of {}: {}", node.name(), Errors.describe(e));
            return null;
        }
    }

    /**
     * Whether {@code roles}' standby is a former primary not yet rebuilt: the newest completed failover (not a
     * switchover, which makes the old primary a replica itself) went from it to the current primary.
     */
    private boolean lastFailoverCameFrom(LiveRoles roles) {
        try {
            return journal.failovers(10).stream()
                    .filter(no.vakt.journal.FailoverRecord::promoted)
                    .findFirst()
                    .filter(f -> !no.vakt.failover.planned.Switchover.MODE.equals(f.mode()))
                    .map(f -> f.fromNode().equals(roles.standby().name()) && f.toNode().equals(roles.primary().name()))
                    .orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The journal's epoch, or ZooKeeper's when higher (another agent failed over: this journal is behind). */
    private long journalEpoch() {
        try {
            return Math.max(journal.currentEpoch(), gate.knownEpoch());
        } catch (RuntimeException e) {
            return gate.knownEpoch();
        }
    }

    private void switchTo(LiveRoles next) {
        LiveRoles previous = roles;
        roles = next;
        detector = new Detector(detectorConfig);
        health = detector.state();
        receiveAge.reset();
        downReported = false;
        failoverRetries = 0;
        nextRetryAt = null;
        ReplicationWatch before = replication;
        if (before != null && previous != null && before.condition() != ReplicationWatch.Condition.HEALTHY
                && !previous.standby().equals(next.standby())) {
            // The watched standby is the primary now: its replication trouble is over, whatever repeats are pending.
            String was = previous.standby().name();
            alertReplication(new Alert(no.vakt.cluster.Severity.INFO, config.cluster(), "replication to " + was
                    + " no longer watched: " + was + " is the primary now", "the live roles changed (" + next
                    + "); replication to " + was + " was " + before.condition().label(), "",
                    AlertKind.REPLICATION_HEALTHY, was));
        }
        replication = new ReplicationWatch(config.cluster(), config.objectives().rpo(), checks.failures(), commands,
                lastFailoverCameFrom(next));
        stopHeartbeatInBackground();
        heartbeat = HeartbeatLoop.start(next.primary(), config.replication().heartbeatInterval(), clock, gate::authorityNow);
        String line;
        if (previous == null) {
            line = "monitoring " + next + " every " + checks.interval().toMillis() + " ms (timeout "
                    + checks.timeout().toMillis() + " ms, " + checks.failures() + " failures, standby bound "
                    + detectorConfig.standbyBound().toMillis() + " ms)";
        } else {
            line = "live primary changed: " + next + " (was " + previous.primary().name() + ")";
        }
        emit(line);
        LOG.info(line);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("primary", next.primary().name());
        details.put("standby", next.standby().name());
        if (previous != null) details.put("previous-primary", previous.primary().name());
        journal(line, next.primary().name(), details);
    }

    // ---- edges ----

    private void alertOnce(Alert alert, String node) {
        String key = alert.event() + "|" + alert.evidence() + "|" + alert.action();
        if (key.equals(lastRoleAlert)) return;
        lastRoleAlert = key;
        emit("ALERT " + alert.severity() + ": " + alert.event() + ": " + alert.evidence() + " | action: " + alert.action());
        // The sink journals it.
        alerts.send(alert.withKind(AlertKind.OLD_PRIMARY_BACK, node));
    }

    private void alertReplication(Alert alert) {
        emit("ALERT " + alert.severity() + ": " + alert.event() + ": " + alert.evidence());
        alerts.send(alert);
    }

    private void journal(String summary, String node, Map<String, Object> details) {
        try {
            journal.append(EventKind.STATE_CHANGE, config.cluster(), node, summary, details);
        } catch (RuntimeException e) {
            // Watching matters more than the record: log and keep going.
            LOG.error("could not journal '{}': {}", summary, e.getMessage());
        }
    }

    private void journalWarmup(WarmupResult r) {
        try {
            Warmth.record(journal, config.cluster(), r);
        } catch (RuntimeException e) {
            LOG.error("could not journal a warmup: {}", e.getMessage());
        }
    }

    private void publish(MonitorTick tick) {
        for (Consumer<MonitorTick> listener : List.of(quorumListener, tickListener)) {
            try {
                listener.accept(tick);
            } catch (RuntimeException e) {
                LOG.warn("a tick listener failed: {}", e.toString());
            }
        }
    }

    private void emit(String line) {
        try {
            out.accept(clock.instant() + " " + line);
        } catch (RuntimeException e) {
            LOG.warn("could not print a state change: {}", e.toString());
        }
    }

    /**
     * When the heartbeat was last written on the live primary, by this monitor's clock; null before the
     * first. Never waits on the heartbeat's thread; callable from any thread.
     */
    public java.time.Instant lastHeartbeatWritten() {
        HeartbeatLoop h = heartbeat;
        return h == null ? lastHeartbeat : h.lastWrite();
    }

    /**
     * Stops the old primary's heartbeat without waiting for it: its writer may sit in a connect to a
     * black-holed node for a heartbeat timeout (up to 2 s), and the tick that switches the roles arms the
     * door fence only after the switch. Waiting here left a lifted black hole's old primary writable that
     * long (block-ports: 0.6-0.9 s of two writable primaries in the fault matrix).
     */
    private void stopHeartbeatInBackground() {
        HeartbeatLoop h = heartbeat;
        if (h == null) return;
        lastHeartbeat = h.lastWrite();
        heartbeat = null;
        Thread t = new Thread(h::close, "vakt-heartbeat-stop");
        t.setDaemon(true);
        t.start();
    }

    private void stopHeartbeat() {
        HeartbeatLoop h = heartbeat;
        if (h != null) {
            lastHeartbeat = h.lastWrite();
            heartbeat = null;
            h.close();
            lastHeartbeat = h.lastWrite(); // a write that finished while closing
        }
    }
}
