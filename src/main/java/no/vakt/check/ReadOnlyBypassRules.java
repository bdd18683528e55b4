package no.vakt.check;

import static no.vakt.check.ServerRules.name;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import no.vakt.config.VaktConfig;
import no.vakt.db.FenceLocks;
import no.vakt.db.NodeState;
import no.vakt.db.ReadOnlyBypass;

/**
 * Accounts that write while read_only=ON. MariaDB has no super_read_only: on 10.11 READ ONLY ADMIN (part of
 * ALL PRIVILEGES) bypasses read_only, before 10.11 SUPER did. On the standby their writes are errant
 * transactions; on a fenced primary they would keep writing, so the fence locks them ({@link FenceLocks}).
 */
final class ReadOnlyBypassRules {
    static final String ID = "read-only-bypass";

    private ReadOnlyBypassRules() {}

    static List<Finding> accounts(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        Set<String> exempt = FenceLocks.exemptUsers(config);
        o.nodes().forEach(node -> {
            if (node == null || !node.reachable()) return;
            List<ReadOnlyBypass.Bypass> all = o.readOnlyBypass().get(node.node().name());
            if (all == null) return;
            // Vakt's own and the replication account are Vakt's business (Vakt needs READ ONLY ADMIN to lift
            // locks on a read-only node); root is a local administrator's, never locked: named, not judged.
            List<ReadOnlyBypass.Bypass> apps = all.stream().filter(b -> !exempt.contains(b.account().user())).toList();
            List<ReadOnlyBypass.Bypass> root = all.stream().filter(b -> b.account().user().equals("root")).toList();
            String privilege = ReadOnlyBypass.superBypasses(node.version()) ? "SUPER or READ ONLY ADMIN" : "READ ONLY ADMIN";
            if (apps.isEmpty()) {
                out.add(Finding.ok(ID, name(node), "no application account can write while read_only=ON (" + privilege
                        + " bypasses it; MariaDB has no super_read_only)"));
            } else {
                out.add(Finding.warning(ID, name(node), labels(apps) + " can write while read_only=ON (" + privilege
                        + " bypasses it; MariaDB has no super_read_only): "
                        + (o.isPrimary(node) ? "a fence locks them (ACCOUNT LOCK) until a rejoin or promotion, so they"
                                + " are locked out meanwhile" : "their writes here are errant transactions")
                        + "; give applications an account without it", fix(node, apps)));
            }
            if (!root.isEmpty()) {
                out.add(Finding.info(ID, name(node), labels(root) + " can write while read_only=ON; Vakt never locks root"
                        + " (a local administrator's account): applications must not use it"));
            }
        });
        return out;
    }

    private static String labels(List<ReadOnlyBypass.Bypass> accounts) {
        return String.join(", ", accounts.stream().map(b -> b.account() + " (" + b.how() + ")").toList());
    }

    /** Per node and not binlogged: the peer may not have the account, and its replication would stop on the REVOKE. */
    private static String fix(NodeState node, List<ReadOnlyBypass.Bypass> accounts) {
        String privileges = ReadOnlyBypass.superBypasses(node.version()) ? "SUPER, READ ONLY ADMIN" : "READ ONLY ADMIN";
        StringBuilder sb = new StringBuilder("on " + name(node) + ": SET SESSION sql_log_bin = 0;");
        for (ReadOnlyBypass.Bypass b : accounts) {
            // A role's privilege: take the role from the account (the role may serve others who need it).
            if (b.role() != null) sb.append(" REVOKE ").append(no.vakt.db.Sql.identifier(b.role())).append(" FROM ").append(b.account()).append(';');
            else sb.append(" REVOKE ").append(privileges).append(" ON *.* FROM ").append(b.account()).append(';');
        }
        return sb.toString();
    }
}
