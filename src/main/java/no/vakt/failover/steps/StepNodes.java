package no.vakt.failover.steps;

import java.sql.SQLException;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.GtidPosition;
import no.vakt.db.NodeInspector;

/**
 * The nodes a step acts on, found by the names in its {@link no.vakt.failover.StepContext} (so a step
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

    /** The node's {@code gtid_binlog_pos} when it answers, empty when it does not. */
    public Optional<GtidPosition> binlogPosIfReachable(String name) {
        try (DbSession db = open(name)) {
            return Optional.of(GtidPosition.parse(db.scalar("SELECT @@GLOBAL.gtid_binlog_pos").orElse("")));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** True, false, or empty when the node does not answer. */
    public Optional<Boolean> writableIfReachable(String name) {
        try (DbSession db = open(name)) {
            return Optional.of(!readOnly(db));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    static boolean readOnly(DbSession db) throws SQLException {
        String v = db.scalar("SELECT @@GLOBAL.read_only").orElse("1");
        return v.equals("1") || v.equalsIgnoreCase("ON");
    }

    /** A connection-level failure (the node went away), as opposed to an error the node reported. */
    static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("08");
    }
}
