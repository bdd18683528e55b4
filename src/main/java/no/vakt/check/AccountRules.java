package no.vakt.check;

import static no.vakt.check.ServerRules.name;

import java.util.ArrayList;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.Sql;

/** Checks of the replication account on both nodes and of the secret files. */
final class AccountRules {
    private AccountRules() {}

    /** The account on the primary, for the standby's address. */
    static List<Finding> replicationUser(VaktConfig config, Observations o) {
        List<String> hosts = o.primaryReplicationHosts();
        NodeState p = o.primary();
        if (!p.reachable() || hosts == null) return List.of();
        String user = config.replication().user();
        String from = o.standby().node().effectiveSourceAddress();
        String create = createAccount(config, from);
        if (hosts.isEmpty()) {
            return List.of(Finding.error("replication-user", name(p), "the replication account '" + user
                    + "' does not exist on the primary: the standby cannot connect", "on " + name(p) + ": " + create));
        }
        if (hosts.stream().noneMatch(h -> HostPattern.matches(h, from))) {
            return List.of(Finding.warning("replication-user", name(p), "the replication account '" + user
                    + "' exists for " + hosts + " but not for the standby's address " + from, "on " + name(p) + ": " + create));
        }
        return List.of(Finding.ok("replication-user", name(p), "'" + user + "' exists for " + hosts));
    }

    /** The account on the standby, for the primary's address: needed to replicate back after a failover. */
    static List<Finding> replicationUserOnStandby(VaktConfig config, Observations o) {
        List<String> hosts = o.standbyReplicationHosts();
        NodeState s = o.standby();
        if (!s.reachable() || hosts == null) return List.of();
        String user = config.replication().user();
        String from = o.primary().node().effectiveSourceAddress();
        String fix = "on " + name(s) + ": " + createAccount(config, from);
        if (hosts.isEmpty()) {
            return List.of(Finding.warning("replication-user-standby", name(s), "the replication account '" + user
                    + "' does not exist on the standby: after a failover the old primary cannot replicate back from it", fix));
        }
        if (hosts.stream().noneMatch(h -> HostPattern.matches(h, from))) {
            return List.of(Finding.warning("replication-user-standby", name(s), "the replication account '" + user
                    + "' on the standby exists for " + hosts + " but not for the primary's address " + from
                    + ": after a failover the old primary cannot replicate back", fix));
        }
        return List.of(Finding.ok("replication-user-standby", name(s), "'" + user + "' exists for " + hosts
                + " (ready for the way back)"));
    }

    static List<Finding> wildcardHosts(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        wildcards(config, o.primary(), o.primaryReplicationHosts(), o.standby(), out);
        wildcards(config, o.standby(), o.standbyReplicationHosts(), o.primary(), out);
        return out;
    }

    private static void wildcards(VaktConfig config, NodeState node, List<String> hosts, NodeState peer,
            List<Finding> out) {
        if (!node.reachable() || hosts == null) return;
        String user = config.replication().user();
        String peerAddress = peer.node().effectiveSourceAddress();
        for (String host : hosts) {
            if (!HostPattern.hasWildcard(host)) continue;
            String fix = "on " + name(node) + ": " + createAccount(config, peerAddress)
                    + " DROP USER " + Sql.account(user, host) + ";";
            if (HostPattern.isAny(host)) {
                out.add(Finding.error("replication-user-wildcard", name(node), "the replication account "
                        + Sql.account(user, host) + " accepts logins from any host: anyone with the password can"
                        + " stream every change in the database", fix));
            } else {
                out.add(Finding.warning("replication-user-wildcard", name(node), "the replication account "
                        + Sql.account(user, host) + " accepts logins from a range of hosts, not only " + peerAddress, fix));
            }
        }
    }

    static List<Finding> secrets(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        for (SecretObservation s : o.secrets()) {
            if (s.unreadable() != null) {
                out.add(Finding.error("secret-unreadable", s.node(), s.purpose() + " cannot be read: " + s.unreadable(),
                        s.ref().file() != null ? "create " + s.ref().file() + " (mode 0600) holding the password"
                                : "set the environment variable " + s.ref().env() + " for vakt"));
            }
            if (s.permissionProblem() != null) {
                out.add(Finding.warning("secret-permissions", s.node(), s.purpose() + ": " + s.permissionProblem(),
                        "chmod 600 " + s.ref().file() + " (owned by the user vakt runs as)"));
            }
        }
        return out;
    }

    /**
     * The exact statements, with the password left for the operator to paste from the secret. Not
     * binlogged: each node keeps its own account, and a replicated CREATE USER would fail on the peer.
     */
    private static String createAccount(VaktConfig config, String host) {
        String account = Sql.account(config.replication().user(), host);
        return "SET SESSION sql_log_bin = 0; CREATE USER IF NOT EXISTS " + account
                + " IDENTIFIED BY '<the password in " + config.replication().secret() + ">'; GRANT REPLICATION SLAVE ON *.* TO "
                + account + ";";
    }
}
