package no.vakt.check;

import static no.vakt.check.ServerRules.name;

import java.util.ArrayList;
import java.util.List;
import no.vakt.config.VaktConfig;

/**
 * Whether Vakt's own account holds what a failover needs on each node. A missing privilege fails a step at the
 * worst moment (no READ ONLY ADMIN: the fence cannot set read_only; no CONNECTION ADMIN: it cannot end the
 * sessions), and either node may be primary after a failover.
 */
final class AdminPrivilegeRules {
    static final String ID = "admin-privileges";

    private AdminPrivilegeRules() {}

    static List<Finding> privileges(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        o.nodes().forEach(node -> {
            if (node == null || !node.reachable()) return;
            AdminAccount account = o.adminAccounts().get(node.node().name());
            if (account == null) return;
            if (account.missing().isEmpty()) {
                out.add(Finding.ok(ID, name(node), account.sql() + " has the privileges a failover and a switchover use"));
                return;
            }
            List<String> global = account.missing().stream().filter(p -> !p.contains(" ON ") && !p.equals("GRANT OPTION")).toList();
            out.add(Finding.error(ID, name(node), account.sql() + " lacks " + String.join(", ", account.missing())
                    + ": a failover, switchover or rejoin fails at the step that needs it", fix(node.node().name(), account, global)));
        });
        return out;
    }

    /** Per node and not binlogged, as the account is created (docs/install.md, least-privilege grants). */
    private static String fix(String node, AdminAccount account, List<String> global) {
        StringBuilder sb = new StringBuilder("on " + node + ": SET SESSION sql_log_bin = 0;");
        boolean grantOption = account.missing().contains("GRANT OPTION");
        if (!global.isEmpty() || grantOption) {
            sb.append(" GRANT ").append(global.isEmpty() ? "USAGE" : String.join(", ", global)).append(" ON *.* TO ")
                    .append(account.sql()).append(" WITH GRANT OPTION;");
        }
        account.missing().stream().filter(p -> p.contains(" ON ")).forEach(p -> {
            String[] parts = p.split(" ON ", 2);
            sb.append(" GRANT ").append(parts[0]).append(" ON ").append(parts[1]).append(" TO ").append(account.sql())
                    .append(" WITH GRANT OPTION;");
        });
        return sb.toString();
    }
}
