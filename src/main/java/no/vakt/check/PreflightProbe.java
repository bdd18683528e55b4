package no.vakt.check;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.vakt.config.Node;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;

/**
 * The I/O side of the preflight: reads both nodes with short timeouts, the replication accounts, the
 * secrets, and runs the canary. An unreachable node becomes an unreachable {@link NodeState}, never an
 * exception, so the rules still report everything else.
 */
public final class PreflightProbe {
    private final NodeInspector inspector;
    private final CanaryProbe canary;

    public PreflightProbe(NodeInspector inspector, CanaryProbe canary) {
        this.inspector = inspector;
        this.canary = canary;
    }

    /**
     * @param canaryBound how long to wait for the canary on the standby; null skips the canary
     */
    public Observations observe(VaktConfig config, Duration canaryBound) {
        List<SecretObservation> secrets = secrets(config);
        // The standby first: anything the primary commits afterwards cannot look like an errant standby GTID.
        Inspected standby = inspect(config, config.standby());
        Inspected primary = inspect(config, config.primary());
        CanaryResult result;
        if (canaryBound == null) {
            result = CanaryResult.skipped("--no-canary");
        } else if (!primary.state.reachable() || !standby.state.reachable()) {
            result = CanaryResult.skipped("a node is unreachable");
        } else {
            result = canary.run(config, canaryBound);
        }
        return new Observations(primary.state, standby.state, primary.replicationHosts, standby.replicationHosts,
                result, secrets, TrafficProbe.observe(config), no.vakt.filesync.FileSyncProbe.observe(config));
    }

    private record Inspected(NodeState state, List<String> replicationHosts) {}

    private Inspected inspect(VaktConfig config, Node node) {
        try (DbSession db = inspector.open(node)) {
            NodeState state = inspector.inspect(node, db);
            return new Inspected(state, replicationHosts(db, config.replication().user()));
        } catch (SQLException e) {
            return new Inspected(NodeState.unreachable(node, Errors.describe(e)), null);
        }
    }

    /** Null when the account table cannot be read (the rules then say nothing rather than guess). */
    private static List<String> replicationHosts(DbSession db, String user) {
        try {
            List<String> hosts = new ArrayList<>();
            for (Map<String, String> row : db.rows("SELECT Host FROM mysql.user WHERE User = ? ORDER BY Host", user)) {
                hosts.add(row.get("Host"));
            }
            return hosts;
        } catch (SQLException e) {
            return null;
        }
    }

    /** One observation per distinct secret; the value is read only to prove it can be, then dropped. */
    static List<SecretObservation> secrets(VaktConfig config) {
        record Use(String purpose, String node) {}
        Map<SecretRef, List<Use>> uses = new LinkedHashMap<>();
        for (Node n : config.nodes()) {
            uses.computeIfAbsent(n.mysql().secret(), r -> new ArrayList<>()).add(new Use("MySQL password of " + n.name(), n.name()));
        }
        uses.computeIfAbsent(config.replication().secret(), r -> new ArrayList<>()).add(new Use("replication password", null));
        for (int i = 0; i < config.alerts().channels().size(); i++) {
            for (var s : config.alerts().channels().get(i).secrets()) {
                uses.computeIfAbsent(s.ref(), r -> new ArrayList<>()).add(new Use(s.purpose() + " of alert channel "
                        + config.alerts().nameOf(i), null));
            }
        }
        List<SecretObservation> out = new ArrayList<>();
        uses.forEach((ref, list) -> {
            String unreadable = null;
            try {
                ref.resolve();
            } catch (SecretRef.SecretUnavailableException e) {
                unreadable = e.getMessage();
            }
            List<String> nodes = list.stream().map(Use::node).distinct().toList();
            String purpose = String.join(" and ", list.stream().map(Use::purpose).toList()) + " (" + ref + ")";
            out.add(new SecretObservation(purpose, nodes.size() == 1 ? nodes.get(0) : null, ref, unreadable,
                    ref.permissionProblem().orElse(null)));
        });
        return out;
    }
}
