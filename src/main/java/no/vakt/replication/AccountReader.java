package no.vakt.replication;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.vakt.db.DbSession;
import no.vakt.db.Sql;

/** Reads a replication account's state from SHOW CREATE USER and SHOW GRANTS. */
final class AccountReader {
    private static final Pattern HASH = Pattern.compile("IDENTIFIED BY PASSWORD '([^']*)'");
    private static final Pattern GLOBAL_GRANT = Pattern.compile("^GRANT (.+?) ON \\*\\.\\* TO .*$");

    private AccountReader() {}

    static AccountState read(DbSession db, String user, String host, String expectedHash) throws SQLException {
        long count = db.scalar("SELECT COUNT(*) FROM mysql.user WHERE User = ? AND Host = ?", user, host)
                .map(Long::parseLong).orElse(0L);
        if (count == 0) return AccountState.missing(user, host);
        String account = Sql.account(user, host);
        String create = firstColumn(db.rows("SHOW CREATE USER " + account)).get(0);
        Matcher hash = HASH.matcher(create);
        boolean passwordMatches = hash.find() && hash.group(1).equalsIgnoreCase(expectedHash);
        boolean requiresSsl = create.toUpperCase(Locale.ROOT).contains(" REQUIRE SSL");
        return new AccountState(user, host, true, passwordMatches,
                onlyReplicationSlave(firstColumn(db.rows("SHOW GRANTS FOR " + account))), requiresSsl);
    }

    /** True when the grants are exactly one global REPLICATION SLAVE, without GRANT OPTION. */
    static boolean onlyReplicationSlave(List<String> grants) {
        if (grants.size() != 1) return false;
        String g = grants.get(0);
        Matcher m = GLOBAL_GRANT.matcher(g);
        return m.matches() && m.group(1).trim().equalsIgnoreCase("REPLICATION SLAVE")
                && !g.toUpperCase(Locale.ROOT).contains("WITH GRANT OPTION");
    }

    private static List<String> firstColumn(List<Map<String, String>> rows) {
        return rows.stream().map(r -> r.values().iterator().next()).toList();
    }
}
