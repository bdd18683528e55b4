package no.vakt.db;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The least privileges Vakt's administrative account needs on each node (MariaDB 10.11 names), as the
 * SQL that creates it: one source for {@code vakt init}'s printed SQL, the lab and the tests, which run
 * with exactly these. Run on every node with {@code sql_log_bin=0}: each node keeps its own account, and
 * an account created through the binary log of a standby would be an errant transaction.
 */
public final class AdminGrants {
    /**
     * Global privileges, each for what Vakt runs with it:
     * <ul>
     * <li>REPLICATION SLAVE ADMIN: CHANGE MASTER, START/STOP/RESET SLAVE, gtid_slave_pos, rpl_semi_sync_slave_*;
     * <li>REPLICATION MASTER ADMIN: rpl_semi_sync_master_*;
     * <li>SLAVE MONITOR: SHOW SLAVE STATUS; BINLOG MONITOR: SHOW MASTER STATUS, SHOW BINARY LOGS;
     * <li>BINLOG ADMIN: SET sql_log_bin = 0 (the seed and the accounts stay out of the binary log);
     * <li>RELOAD: RESET MASTER (replicate --overwrite, rejoin) and mariadb-dump's consistent snapshot;
     * <li>READ_ONLY ADMIN: SET GLOBAL read_only (fence, promote) and the seed's writes into a read-only standby;
     * <li>PROCESS and CONNECTION ADMIN: list and KILL the sessions the fence ends;
     * <li>CREATE USER: the replication and drill accounts, and the fence's ALTER USER ... ACCOUNT LOCK;
     * <li>REPLICATION SLAVE: to grant it to the replication account, and mariadb-binlog's remote reads;
     * <li>SET USER: the seed recreates views, routines, triggers and events with their own DEFINER;
     * <li>SHOW DATABASES: the bootstrap's look at which databases the primary holds;
     * <li>GRANT OPTION: to grant REPLICATION SLAVE and the drill account's rights on vakt.*.
     * </ul>
     */
    public static final List<String> GLOBAL = List.of(
            "REPLICATION SLAVE ADMIN", "REPLICATION MASTER ADMIN", "SLAVE MONITOR", "BINLOG MONITOR", "BINLOG ADMIN",
            "RELOAD", "READ_ONLY ADMIN", "PROCESS", "CONNECTION ADMIN", "CREATE USER", "REPLICATION SLAVE", "SET USER",
            "SHOW DATABASES");

    /** On each replicated database: mariadb-dump reads it, the seed recreates it on the standby, --overwrite drops it. */
    public static final List<String> REPLICATED_DATABASE = List.of(
            "SELECT", "INSERT", "CREATE", "DROP", "ALTER", "INDEX", "LOCK TABLES", "CREATE VIEW", "SHOW VIEW",
            "CREATE ROUTINE", "ALTER ROUTINE", "EXECUTE", "EVENT", "TRIGGER");

    /**
     * Read-only, on the account and routine tables: SHOW GRANTS and SHOW CREATE USER for the replication
     * account, and mariadb-dump --routines (SHOW CREATE PROCEDURE of routines Vakt does not own).
     */
    public static final List<String> MYSQL_SCHEMA = List.of("SELECT");

    private AdminGrants() {}

    /**
     * The statements that create (or bring up to date) the account {@code user@host} with these privileges.
     * {@code passwordSql} is an SQL literal or a placeholder the operator replaces.
     */
    public static List<String> statements(String user, String host, String passwordSql, List<String> databases) {
        String account = Sql.account(user, host);
        List<String> out = new ArrayList<>();
        out.add("SET SESSION sql_log_bin = 0");
        out.add("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + passwordSql);
        out.add("ALTER USER " + account + " IDENTIFIED BY " + passwordSql);
        out.addAll(grants(account, databases));
        return out;
    }

    /** The GRANT statements alone, for an account that exists. */
    public static List<String> grants(String account, List<String> databases) {
        List<String> out = new ArrayList<>();
        out.add("GRANT " + String.join(", ", GLOBAL) + " ON *.* TO " + account + " WITH GRANT OPTION");
        out.add("GRANT ALL PRIVILEGES ON " + Sql.identifier(VaktSchema.NAME) + ".* TO " + account + " WITH GRANT OPTION");
        for (String db : databases) {
            out.add("GRANT " + String.join(", ", REPLICATED_DATABASE) + " ON " + databasePattern(db) + ".* TO " + account);
        }
        out.add("GRANT " + String.join(", ", MYSQL_SCHEMA) + " ON mysql.* TO " + account);
        return out;
    }

    private static final Pattern GRANT_LINE = Pattern.compile("^GRANT (.+?) ON (\\S+) TO .*?( WITH GRANT OPTION)?$");
    private static final String ALL = "ALL PRIVILEGES";

    /**
     * What Vakt's own account lacks of {@link #GLOBAL}, the grant option and ALL on {@code vakt.*}, read with
     * {@code SHOW GRANTS} (its own grants and its active role's); empty when it has them all. The data
     * privileges per database are not judged here: a database-level grant may use a wildcard pattern.
     */
    public static List<String> missing(DbSession db) throws SQLException {
        List<String> lines = new ArrayList<>();
        for (Map<String, String> row : db.rows("SHOW GRANTS")) lines.add(row.values().iterator().next());
        return missing(lines);
    }

    /** {@link #missing(DbSession)} over SHOW GRANTS lines, in the order of {@link #GLOBAL}. */
    public static List<String> missing(List<String> grantLines) {
        Set<String> global = new HashSet<>();
        boolean grantOption = false;
        boolean vaktSchema = false;
        String vakt = "`" + VaktSchema.NAME + "`.*";
        for (String line : grantLines) {
            Matcher m = GRANT_LINE.matcher(line.strip());
            if (!m.matches()) continue;
            if (m.group(2).equals("*.*")) {
                for (String p : m.group(1).split(",")) global.add(normal(p));
                grantOption |= m.group(3) != null;
            } else if (m.group(2).equals(vakt)) {
                vaktSchema |= normal(m.group(1)).equals(ALL);
            }
        }
        boolean all = global.contains(ALL);
        List<String> out = new ArrayList<>();
        for (String p : GLOBAL) {
            if (!all && !global.contains(normal(p))) out.add(p.replace('_', ' '));
        }
        if (!grantOption) out.add("GRANT OPTION");
        if (!all && !vaktSchema) out.add(ALL + " ON " + VaktSchema.NAME + ".*");
        return out;
    }

    /** SHOW GRANTS spells READ_ONLY ADMIN, GRANT also takes READ ONLY ADMIN. */
    private static String normal(String privilege) {
        return privilege.strip().toUpperCase(Locale.ROOT).replace('_', ' ');
    }

    /** '_' and '%' are wildcards in a database-level grant: shop_1 would also grant on shopx1. */
    static String databasePattern(String name) {
        return Sql.identifier(name.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%"));
    }

    /** The statements as a script, one per line, each ending in a semicolon. */
    public static String script(List<String> statements) {
        StringBuilder sb = new StringBuilder();
        statements.forEach(s -> sb.append(s).append(";\n"));
        return sb.toString();
    }
}
