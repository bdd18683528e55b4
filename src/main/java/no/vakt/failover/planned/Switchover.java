package no.vakt.failover.planned;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.GtidPosition;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.FenceLocks;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeOperations;
import no.vakt.db.ReadOnlyBypass;
import no.vakt.db.VaktSchema;
import no.vakt.failover.plan.ExecutionResult;
import no.vakt.failover.plan.StepName;
import no.vakt.filesync.FileSyncDirections;
import no.vakt.filesync.SyncDirection;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalException;
import no.vakt.journal.NewFailover;
import no.vakt.replication.ChangeMaster;
import no.vakt.traffic.TrafficSwitch;

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
 */
public final class Switchover {
    /** The journal's mode label for a switchover; its trigger is {@code operator}. */
    public static final String MODE = "switchover";
    /** Journaled after VERIFY_WRITE: the old primary becomes the new one's replica. */
    public static final String REPOINT_STEP = "REPOINT_OLD_PRIMARY";

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
            out.println("  7. " + StepName.HANDOVER + ": route traffic to " + to.name());
            out.println("  8. " + StepName.BUMP_EPOCH + ": next epoch in the journal and in " + to.name() + "'s vakt.cluster");
            return new Result(Outcome.DRY_RUN, from.name(), to.name(), null, 0, "dry run");
        }

        String replPassword = config.replication().secret().resolve();
        // The catch-up wait runs inside one statement: the socket timeout must outlast it.
        NodeInspector sessions = new NodeInspector(connectTimeout.plus(options.catchUpTimeout()).plusSeconds(5));
        try (DbSession oldDb = sessions.open(from); DbSession newDb = sessions.open(to)) {
            long epoch = Math.max(journal.currentEpoch(), Math.max(NodeOperations.epoch(oldDb), NodeOperations.epoch(newDb))) + 1;
            long id;
            try {
                id = journal.beginFailover(new NewFailover(config.cluster(), from.name(), to.name(), MODE, "operator", epoch));
            } catch (IllegalStateException | JournalException e) {
                // Nothing changed yet: without a journal it does not start.
                out.println("switchover refused: " + e.getMessage());
                return new Result(Outcome.REFUSED, from.name(), to.name(), null, epoch, e.getMessage());
            }
            out.println("switchover " + id + ": " + from.name() + " -> " + to.name() + ", epoch " + epoch);
            JournaledSteps steps = new JournaledSteps(journal, id, out);
            Instant[] fencedAt = new Instant[1];
            String[] position = new String[1];
            var locked = new java.util.concurrent.atomic.AtomicReference<List<ReadOnlyBypass.Account>>(List.of());
            Duration window = null;
            try {
                steps.run(StepName.FENCE_OLD_PRIMARY.name(), () -> {
                    fencedAt[0] = clock.instant();
                    // Before read_only: accounts with READ ONLY ADMIN would write through it, errant once repointed.
                    locked.set(FenceLocks.lock(oldDb, FenceLocks.exemptUsers(config)));
                    int killed = NodeOperations.fence(oldDb);
                    position[0] = oldDb.scalar("SELECT @@GLOBAL.gtid_binlog_pos").orElse("");
                    return "read_only=ON on " + from.name() + ", " + FenceLocks.describe(locked.get(), "locked") + ", "
                            + killed + " client session(s) ended, position " + (position[0].isEmpty() ? "(empty)" : position[0]);
                });
                steps.run(StepName.APPLY_RELAY_LOG.name(), () -> {
                    if (position[0].isEmpty()) return "nothing to wait for";
                    double seconds = Math.max(0.001, options.catchUpTimeout().toMillis() / 1000.0);
                    String r = newDb.scalar("SELECT MASTER_GTID_WAIT(?, ?)", position[0], seconds).orElse("-1");
                    if (!"0".equals(r)) {
                        throw new SQLException(to.name() + " did not reach " + position[0] + " within "
                                + options.catchUpTimeout().toMillis() + " ms");
                    }
                    return to.name() + " reached " + position[0];
                });
                steps.run(StepName.CHECK_DATA_LOSS.name(), () -> {
                    GtidPosition applied = GtidPosition.parse(newDb.scalar("SELECT @@GLOBAL.gtid_slave_pos").orElse(""));
                    GtidPosition old = GtidPosition.parse(position[0]);
                    if (!applied.contains(old)) {
                        throw new SQLException(to.name() + "'s gtid_slave_pos " + applied + " lacks " + old.beyond(applied));
                    }
                    return "0 transactions lost (" + to.name() + " applied " + applied + ")";
                });
            } catch (JournaledSteps.StepFailed e) {
                String undo = liftFence(oldDb, from);
                String summary = e.step + " failed: " + e.getMessage() + "; " + undo;
                journal.finishFailoverOrLater(id, FailoverEnding.ABORTED_BEFORE_PROMOTION, summary);
                out.println("switchover aborted: " + summary);
                return new Result(Outcome.ABORTED, from.name(), to.name(), null, epoch, summary);
            }
            try {
                steps.runPointOfNoReturn(StepName.PROMOTE_STANDBY.name(), () -> {
                    NodeOperations.promote(newDb);
                    // A switch-back: the accounts an earlier fence locked on this node work again.
                    String unlocked = FenceLocks.unlockForDetail(newDb);
                    return to.name() + " detached and writable" + (unlocked.isEmpty() ? "" : ", " + unlocked);
                });
            } catch (JournaledSteps.StepFailed e) {
                // Not run (no durable start): nothing irreversible happened, the old primary serves again.
                String summary = e.step + " failed: " + e.getMessage() + "; " + (e.notRun ? liftFence(oldDb, from)
                        : from.name() + " stays fenced (read-only): check " + to.name() + " before lifting it");
                journal.finishFailoverOrLater(id, FailoverEnding.ABORTED_BEFORE_PROMOTION, summary);
                out.println("switchover aborted: " + summary);
                return new Result(Outcome.ABORTED, from.name(), to.name(), null, epoch, summary);
            }
            // Past the point of no return: every remaining step runs whatever failed before it (the old primary
            // stays fenced, never two writable primaries; BUMP_EPOCH above all), and a failed traffic switch only
            // leaves traffic pending.
            List<String> failed = new ArrayList<>();
            String trafficProblem = null;
            boolean repointed = false;
            try {
                steps.run(StepName.VERIFY_WRITE.name(), () -> {
                    VaktSchema.ensure(newDb);
                    NodeOperations.verifyWrite(newDb);
                    return "canary written and read back on " + to.name();
                });
                window = Duration.between(fencedAt[0], clock.instant());
                out.println("  write-unavailable window: " + window.toMillis() + " ms (fence to verified write)");
            } catch (JournaledSteps.StepFailed e) {
                failed.add(e.step + " failed: " + e.getMessage());
            }
            try {
                steps.run(REPOINT_STEP, () -> {
                    ReplicaSetup.pointAt(oldDb, to, config.replication(), replPassword, null);
                    String problem = ReplicaSetup.awaitThreads(oldDb, options.replicaStart(), clock).orElse(null);
                    if (problem != null) throw new SQLException(from.name() + "'s replica threads did not start: " + problem);
                    return from.name() + " replicates from " + to.name() + " (read_only stays ON)";
                });
                repointed = true;
            } catch (JournaledSteps.StepFailed e) {
                failed.add(e.step + " failed: " + e.getMessage());
            }
            try {
                steps.run(StepName.HANDOVER.name(), () -> {
                    traffic.routeTo(config.cluster(), to.name(), epoch);
                    return "traffic routed to " + to.name();
                });
            } catch (JournaledSteps.StepFailed e) {
                trafficProblem = "traffic switch to " + to.name() + " failed: " + e.getMessage();
            }
            try {
                steps.run(StepName.BUMP_EPOCH.name(), () -> {
                    // The node's epoch (what fences the stale primary) is recorded even when the journal is not.
                    boolean journaled = journal.recordEpochOrLater(config.cluster(), epoch, to.name(),
                            "switchover " + from.name() + " -> " + to.name());
                    NodeOperations.recordEpoch(newDb, epoch, to.name());
                    return "epoch " + epoch + (journaled ? " in the journal" : " (journal write kept for later)") + " and in "
                            + to.name();
                });
            } catch (JournaledSteps.StepFailed e) {
                failed.add(e.step + " failed: " + e.getMessage());
            }
            // Here, not in each caller: the CLI, the API and a drill's switch-back all turn file sync around. Files
            // flow to the old primary only when it follows the new one; else nowhere until a rejoin.
            boolean filesTurned = false;
            try {
                filesTurned = repointed ? FileSyncDirections.afterSwitchover(journal, config, to.name(), from.name(), epoch)
                        : config.files().enabled() && FileSyncDirections.record(journal, config,
                                new SyncDirection(to.name(), null, epoch, "switchover"));
            } catch (JournalException e) {
                failed.add("file sync direction not recorded (the journal cannot be written: " + e.getMessage() + ")");
            }
            if (!failed.isEmpty()) {
                String summary = String.join("; ", failed) + (trafficProblem == null ? "" : "; " + trafficProblem) + "; "
                        + to.name() + " is promoted (the later steps ran), " + from.name() + " stays read-only: finish by"
                        + " hand (" + commands.rejoin(from.name()) + ")";
                journal.finishFailoverOrLater(id, FailoverEnding.ABORTED_AFTER_PROMOTION, summary);
                out.println("switchover aborted: " + summary);
                return new Result(Outcome.ABORTED, from.name(), to.name(), window, epoch, summary, trafficProblem != null,
                        true);
            }
            String swapped = from.name() + " -> " + to.name() + ", epoch " + epoch + ", write-unavailable "
                    + window.toMillis() + " ms";
            String pending = trafficProblem == null ? null : swapped + "; " + trafficProblem
                    + "; vakt run retries the switch; by hand: " + commands.trafficApply();
            String summary = pending == null ? swapped : ExecutionResult.TRAFFIC_PENDING_SUMMARY + pending;
            journal.finishFailoverOrLater(id, FailoverEnding.completed(pending != null), summary);
            out.println("switchover completed" + (pending == null ? ": " + swapped : ", traffic PENDING: " + pending));
            if (!locked.get().isEmpty()) {
                out.println("note: " + FenceLocks.describe(locked.get(), "stay locked on " + from.name()) + " (read_only does not"
                        + " stop them on a replica); a switch-back or " + commands.rejoin(from.name()) + " unlocks them");
            }
            if (filesTurned) {
                out.println("file sync: now " + to.name() + (repointed ? " -> " + from.name() : ", paused until a rejoin"));
            }
            if (!to.equals(config.primary())) {
                out.println("note: the config still names " + config.primary().name() + " as primary; Vakt uses the live"
                        + " roles, but update role: in the config when this layout is meant to stay");
            }
            return new Result(Outcome.COMPLETED, from.name(), to.name(), window, epoch, summary, trafficProblem != null);
        }
    }

    /** Undo of the fence when nothing irreversible happened: the old primary takes writes again. */
    private static String liftFence(DbSession oldDb, Node from) {
        try {
            oldDb.execute("SET GLOBAL read_only = OFF");
        } catch (SQLException e) {
            return "lifting the fence on " + from.name() + " FAILED (" + e.getMessage() + "): run SET GLOBAL read_only = OFF there";
        }
        String lifted = "fence lifted: " + from.name() + " is writable again and stays primary";
        String unlocked = FenceLocks.unlockForDetail(oldDb);
        return unlocked.isEmpty() ? lifted : lifted + ", " + unlocked;
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
