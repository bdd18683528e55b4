package no.vakt.failover.planned;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.FenceLocks;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeOperations;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.filesync.FileSyncDirections;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.roles.LiveRole;

/**
 * Makes a former primary the replica of the current one. Before anything is reset it looks for errant
 * transactions (see {@link ErrantTransactions}); when there are any they are saved with
 * {@code mariadb-binlog} under {@code .vakt/errant/} and the rejoin stops unless the operator said
 * {@code --discard-errant}: nothing is silently thrown away. Discarding means the node's GTID history
 * forgets them (RESET MASTER, gtid_slave_pos at the shared point); the rows themselves stay in its
 * tables, which the output says, because only a re-seed ({@code vakt replicate --overwrite}) makes the
 * copy identical again.
 */
public final class Rejoin {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    public enum Outcome { REJOINED, ALREADY_REPLICA, REFUSED_ERRANT, REFUSED, FAILED }

    /** @param errantFile the saved errant transactions, null when there were none */
    public record Result(Outcome outcome, String detail, ErrantTransactions errant, Path errantFile) {}

    /** @param maxWait bound for the replica threads to start and for the node to catch up */
    public record Options(boolean discardErrant, Duration maxWait) {}

    private final Journal journal;
    private final Clock clock;
    private final Duration connectTimeout;
    private final Path errantDir;
    private final ErrantDump dump;

    public Rejoin(Journal journal, Clock clock, Duration connectTimeout, Path errantDir, Duration dumpTimeout) {
        this.journal = journal;
        this.clock = clock;
        this.connectTimeout = connectTimeout;
        this.errantDir = errantDir;
        this.dump = new ErrantDump(dumpTimeout);
    }

    public Result run(VaktConfig config, Node node, Options options, PrintWriter out) throws Exception {
        Node peer = config.peerOf(node);
        NodeInspector inspector = new NodeInspector(connectTimeout.plus(options.maxWait()));
        NodeState mine = inspector.inspect(node);
        NodeState theirs = inspector.inspect(peer);
        for (NodeState s : new NodeState[] {mine, theirs}) {
            if (!s.reachable()) return refused(config, node, out, s.node().name() + " does not answer: " + s.error());
        }
        if (LiveRole.of(theirs) != LiveRole.PRIMARY) {
            return refused(config, node, out, peer.name() + " is " + LiveRole.of(theirs).label()
                    + ", not a writable primary replicating from nobody: there is nothing to rejoin to");
        }
        Optional<ReplicaStatus> r = mine.replica();
        if (r.isPresent() && LivePair.repliesFrom(r.get(), peer) && r.get().ioThreadRunning() && r.get().sqlThreadRunning()
                && mine.readOnly()) {
            out.println(node.name() + " already replicates from " + peer.name() + ": nothing to do");
            long theirEpoch;
            try (DbSession db = inspector.open(node); DbSession primaryDb = inspector.open(peer)) {
                unlockFenced(db, node, out);
                theirEpoch = NodeOperations.epoch(primaryDb);
            }
            filesFollow(config, node, out, theirEpoch);
            return new Result(Outcome.ALREADY_REPLICA, "already a replica", null, null);
        }

        try (DbSession db = inspector.open(node); DbSession primaryDb = inspector.open(peer)) {
            long myEpoch = NodeOperations.epoch(db);
            long theirEpoch = NodeOperations.epoch(primaryDb);
            if (myEpoch > theirEpoch) {
                return refused(config, node, out, node.name() + " holds epoch " + myEpoch + ", newer than " + peer.name()
                        + "'s " + theirEpoch + ": it looks like the current primary, not a former one");
            }
            ErrantTransactions errant = ErrantTransactions.find(mine.variable("gtid_binlog_pos"),
                    mine.variable("gtid_binlog_state"), theirs.variable("gtid_binlog_pos"),
                    theirs.variable("gtid_binlog_state"), theirs.variable("gtid_slave_pos"));
            Path file = null;
            if (!errant.isEmpty()) {
                file = errantFile(node);
                out.println(node.name() + " has " + errant.count() + " transaction(s) " + peer.name() + " lacks: " + errant);
                try {
                    dump.write(node, node.mysql().secret().resolve(), db, errant, file);
                } catch (Exception e) {
                    String why = "saving the errant transactions failed, nothing was changed: " + e.getMessage();
                    out.println("rejoin failed: " + why);
                    record(config, node, "rejoin of " + node.name() + " failed: " + why, details(peer, errant, file, "failed"));
                    return new Result(Outcome.FAILED, why, errant, file);
                }
                out.println("saved to " + file);
                if (!options.discardErrant()) {
                    String why = node.name() + " was not changed. Review " + file + "; re-apply on " + peer.name()
                            + " what must be kept, then run again with --discard-errant";
                    out.println("rejoin refused: " + why);
                    record(config, node, "rejoin of " + node.name() + " refused: errant transactions " + errant + " saved to "
                            + file, details(peer, errant, file, "refused"));
                    return new Result(Outcome.REFUSED_ERRANT, why, errant, file);
                }
            }

            String position = errant.isEmpty() ? null : errant.sharedPosition().toString();
            try {
                if (!errant.isEmpty()) {
                    // Its binary log holds the errant GTIDs; they are saved, and it must forget them to follow.
                    db.execute("SET GLOBAL read_only = ON");
                    if (db.replicaStatus().isPresent()) db.execute("STOP SLAVE");
                    db.execute("RESET MASTER");
                }
                ReplicaSetup.pointAt(db, peer, config.replication(), config.replication().secret().resolve(), position);
                Optional<String> problem = ReplicaSetup.awaitThreads(db, options.maxWait(), clock);
                if (problem.isPresent()) throw new SQLException("the replica threads did not start: " + problem.get());
            } catch (SQLException e) {
                String why = e.getMessage();
                out.println("rejoin failed: " + why + " (" + node.name() + " is read-only)");
                record(config, node, "rejoin of " + node.name() + " failed: " + why, details(peer, errant, file, "failed"));
                return new Result(Outcome.FAILED, why, errant, file);
            }
            String target = primaryDb.scalar("SELECT @@GLOBAL.gtid_binlog_pos").orElse("");
            boolean caughtUp = target.isEmpty() || "0".equals(db.scalar("SELECT MASTER_GTID_WAIT(?, ?)", target,
                    Math.max(0.001, options.maxWait().toMillis() / 1000.0)).orElse("-1"));
            String summary = node.name() + " replicates from " + peer.name() + " (read-only"
                    + (position == null ? ", from its own position" : ", from the shared position " + position)
                    + (caughtUp ? ", caught up to " + (target.isEmpty() ? "(empty)" : target) : ", still catching up") + ")";
            out.println("rejoined: " + summary);
            unlockFenced(db, node, out);
            if (!errant.isEmpty()) {
                out.println("warning: the discarded transactions' rows are still in " + node.name() + "'s tables; they are"
                        + " in " + file + ". Re-seed with `vakt replicate --overwrite` for an identical copy.");
            }
            record(config, node, "rejoin of " + node.name() + ": " + summary, details(peer, errant, file, "rejoined"));
            filesFollow(config, node, out, theirEpoch);
            return new Result(Outcome.REJOINED, summary, errant, file);
        }
    }

    /**
     * Only a node that follows the primary again may receive its files: from now on they flow to it. Here,
     * not in each caller, so the CLI, the API and a drill's restore all leave file sync pointing the same way.
     */
    private void filesFollow(VaktConfig config, Node node, PrintWriter out, long primaryEpoch) {
        if (FileSyncDirections.afterRejoin(journal, config, node, primaryEpoch)) {
            out.println("file sync: now " + config.peerOf(node).name() + " -> " + node.name());
        }
    }

    /** The fence that made this node read-only is over: the accounts it locked ({@link FenceLocks}) work again. */
    private static void unlockFenced(DbSession db, Node node, PrintWriter out) {
        String unlocked = FenceLocks.unlockForDetail(db);
        if (!unlocked.isEmpty()) out.println("on " + node.name() + ": " + unlocked);
    }

    private Result refused(VaktConfig config, Node node, PrintWriter out, String why) {
        out.println("rejoin refused: " + why);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("outcome", "refused");
        record(config, node, "rejoin of " + node.name() + " refused: " + why, d);
        return new Result(Outcome.REFUSED, why, null, null);
    }

    private void record(VaktConfig config, Node node, String summary, Map<String, Object> details) {
        journal.append(EventKind.OPERATOR_ACTION, config.cluster(), node.name(), summary, details);
    }

    private static Map<String, Object> details(Node peer, ErrantTransactions errant, Path file, String outcome) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("action", "rejoin");
        d.put("primary", peer.name());
        d.put("outcome", outcome);
        d.put("errant", errant.toString());
        if (file != null) d.put("errant-file", file.toString());
        return d;
    }

    private Path errantFile(Node node) {
        String base = node.name() + "-" + STAMP.format(clock.instant());
        Path file = errantDir.resolve(base + ".sql");
        for (int i = 2; Files.exists(file) && i < 1000; i++) file = errantDir.resolve(base + "-" + i + ".sql");
        return file;
    }
}
