package no.vakt.failover.steps;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;

/**
 * The nodes a step acts on, found by the names in its {@link no.vakt.failover.plan.StepContext} (so a step
 * resumed from the journal after a crash finds the same nodes), each reached through a fresh session.
 */
public final class StepNodes {
    private final VaktConfig config;
    private final NodeInspector inspector;

    public StepNodes(VaktConfig config, NodeInspector inspector) {
        this.config = config;
        this.inspector = inspector;
    }

    public VaktConfig config() {
        return config;
    }

    public NodeInspector inspector() {
        return inspector;
    }

    public Node node(String name) {
        return config.node(name).orElseThrow(() -> new IllegalStateException(
                "node " + name + " of this failover is not in the config any more"));
    }

    /** A fresh admin session; the caller closes it. */
    public DbSession open(String name) throws SQLException {
        return inspector.open(node(name));
    }

    /** A fresh admin session whose connect and socket timeouts are {@code bound}; the caller closes it. */
    public DbSession open(String name, Duration bound) throws SQLException {
        return new NodeInspector(bound).open(node(name));
    }

    /** One question to a node over a fresh session. */
    @FunctionalInterface
    public interface Query<T> {
        T ask(DbSession db) throws SQLException;
    }

    /**
     * What the old primary said, empty when it was not asked or did not answer, and {@code note}: for the
     * step's journal detail, why it was not asked again or how briefly it was re-checked (blank when it
     * was asked normally).
     */
    public record OldPrimaryAnswer<T>(Optional<T> value, String note) {
        /** The note followed by "; ", or nothing: a prefix for a step's detail. */
        public String notePrefix() {
            return note.isBlank() ? "" : note + "; ";
        }
    }

    /**
     * Asks this run's old primary ({@code ctx.fromNode()}) as {@code known} allows for {@code need}: not
     * at all, within the short re-check bound, or with the full timeout (see {@link OldPrimaryReachability}).
     * Any failure means no answer, as before; a connection-level one is recorded in {@code known} for the
     * later steps, and an answer clears what was known.
     */
    public <T> OldPrimaryAnswer<T> askOldPrimary(StepContext ctx, StepName step, OldPrimaryReachability known,
            OldPrimaryReachability.Need need, Query<T> query) {
        String old = ctx.fromNode();
        OldPrimaryReachability.Asking asking = known.howToAsk(ctx, need);
        String because = asking.because().map(known::describe).orElse("");
        if (asking.ask() == OldPrimaryReachability.Ask.NOT_AGAIN) {
            return new OldPrimaryAnswer<>(Optional.empty(), old + " not asked again: " + because);
        }
        boolean briefly = asking.ask() == OldPrimaryReachability.Ask.BRIEFLY;
        String recheck = briefly ? old + " re-checked within " + known.recheckBound().toMillis() + " ms ("
                + because + "): " : "";
        try (DbSession db = briefly ? open(old, known.recheckBound()) : open(old)) {
            T value = query.ask(db);
            known.answered(ctx);
            return new OldPrimaryAnswer<>(Optional.of(value), recheck.isEmpty() ? "" : recheck + "it answers");
        } catch (SQLException e) {
            known.noAnswer(ctx, step, e);
            return new OldPrimaryAnswer<>(Optional.empty(),
                    recheck.isEmpty() ? "" : recheck + "no answer (" + Errors.describe(e) + ")");
        }
    }

    static boolean readOnly(DbSession db) throws SQLException {
        return NodeState.readOnly(db.scalar("SELECT @@GLOBAL.read_only").orElse("1"));
    }

    /** A connection-level failure (the node went away), as opposed to an error the node reported. */
    public static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("08");
    }

    /** The error with its SQLState when it is a {@link #connectionLost} failure, else null (the node answered). */
    public static String noAnswer(SQLException e) {
        return connectionLost(e) ? describeWithState(e) : null;
    }

    static String describeWithState(SQLException e) {
        return Errors.describe(e) + " [SQLState " + e.getSQLState() + "]";
    }
}
