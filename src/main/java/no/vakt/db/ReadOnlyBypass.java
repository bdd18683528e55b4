package no.vakt.db;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Accounts that can still write while read_only=ON, as the server's own grants say. MariaDB has no
 * super_read_only: from 10.11 the global READ ONLY ADMIN privilege (part of ALL PRIVILEGES) bypasses
 * read_only; before 10.11 SUPER did (it implied READ ONLY ADMIN). Locked accounts and roles cannot log
 * in, so they are left out.
 */
public final class ReadOnlyBypass {
    private static final Pattern GLOBAL_GRANT = Pattern.compile("^GRANT (.+?) ON \\*\\.\\* TO ");
    private static final int ER_NONEXISTING_GRANT = 1141;
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private ReadOnlyBypass() {}

    /** A MySQL account; {@link #toString} is its SQL form, 'user'@'host'. */
    public record Account(String user, String host) {
        @Override
        public String toString() {
            return Sql.account(user, host);
        }
    }

    /** An account that bypasses read_only, and the global privilege that lets it. */
    public record Bypass(Account account, String privilege) {}

    /** Every unlocked account (not a role) whose global grant bypasses read_only on this server. */
    public static List<Bypass> read(DbSession db) throws SQLException {
        String version = db.scalar("SELECT @@GLOBAL.version").orElse("");
        List<Bypass> out = new ArrayList<>();
        for (Map<String, String> row : db.rows("SELECT u.User, u.Host, JSON_VALUE(g.Priv, '$.account_locked') AS locked"
                + " FROM mysql.user u JOIN mysql.global_priv g ON g.User = u.User AND g.Host = u.Host"
                + " WHERE u.is_role = 'N' ORDER BY u.User, u.Host")) {
            if (isTrue(row.get("locked"))) continue;
            Account account = new Account(row.get("User"), row.get("Host"));
            List<String> grants = new ArrayList<>();
            try {
                for (Map<String, String> g : db.rows("SHOW GRANTS FOR " + account)) grants.add(g.values().iterator().next());
            } catch (SQLException e) {
                // 1141: the server did not load it (a host name under skip_name_resolve): nobody can log in with it.
                if (e.getErrorCode() == ER_NONEXISTING_GRANT) continue;
                throw e;
            }
            bypassingPrivilege(grants, version).ifPresent(p -> out.add(new Bypass(account, p)));
        }
        return out;
    }

    /**
     * The privilege in these SHOW GRANTS lines that bypasses read_only on a server of {@code version}
     * (as @@version reports it), empty when none does.
     */
    public static Optional<String> bypassingPrivilege(List<String> grantLines, String version) {
        boolean superBypasses = !atLeast(version, 10, 11);
        for (String line : grantLines) {
            Matcher m = GLOBAL_GRANT.matcher(line);
            if (!m.find()) continue;
            for (String raw : m.group(1).split(",")) {
                // SHOW GRANTS spells it READ_ONLY ADMIN, GRANT accepts READ ONLY ADMIN.
                String p = raw.strip().toUpperCase(Locale.ROOT).replace('_', ' ');
                if (p.equals("ALL PRIVILEGES") || p.equals("READ ONLY ADMIN") || (superBypasses && p.equals("SUPER"))) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether SUPER alone bypasses read_only on a server of this version (MariaDB before 10.11). */
    public static boolean superBypasses(String version) {
        return !atLeast(version, 10, 11);
    }

    static boolean atLeast(String version, int major, int minor) {
        Matcher m = VERSION.matcher(version == null ? "" : version);
        if (!m.find()) return true; // unknown: judge as a current server
        int ma = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        return ma > major || (ma == major && mi >= minor);
    }

    private static boolean isTrue(String v) {
        return "1".equals(v) || "true".equalsIgnoreCase(v);
    }
}
