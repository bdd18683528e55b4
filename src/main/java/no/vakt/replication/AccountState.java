package no.vakt.replication;

/**
 * What one node has for the replication account {@code user@host}.
 *
 * @param exists the account exists
 * @param passwordMatches its password hash is the configured password's
 * @param onlyReplicationSlave its only privilege is REPLICATION SLAVE on *.*
 * @param requiresSsl it has REQUIRE SSL
 */
public record AccountState(String user, String host, boolean exists, boolean passwordMatches,
        boolean onlyReplicationSlave, boolean requiresSsl) {

    public static AccountState missing(String user, String host) {
        return new AccountState(user, host, false, false, false, false);
    }

    /** True when nothing needs changing for the configured TLS setting. */
    public boolean upToDate(boolean tls) {
        return exists && passwordMatches && onlyReplicationSlave && requiresSsl == tls;
    }

    /** The account as an operator writes it: {@code repl@127.0.0.1}. */
    public String label() {
        return user + "@" + host;
    }

    /** Why the account is not up to date, for the plan; empty when it is. */
    public String drift(boolean tls) {
        if (!exists) return "missing";
        StringBuilder sb = new StringBuilder();
        if (!passwordMatches) sb.append("password differs");
        if (!onlyReplicationSlave) sb.append(sb.isEmpty() ? "" : ", ").append("privileges other than REPLICATION SLAVE");
        if (requiresSsl != tls) sb.append(sb.isEmpty() ? "" : ", ").append(tls ? "lacks REQUIRE SSL" : "has REQUIRE SSL");
        return sb.toString();
    }
}
