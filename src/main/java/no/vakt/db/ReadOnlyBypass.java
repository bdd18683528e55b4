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
    private static final Pattern ROLE_GRANT = Pattern.compile("^GRANT `((?:[^`]|``)+)` TO ");
    private static final int ER_NONEXISTING_GRANT = 1141;
    private static final int MAX_ROLES = 50;
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private ReadOnlyBypass() {}

    /** A MySQL account; {@link #toString} is its SQL form, 'user'@'host'. */
    public record Account(String user, String host) {
        @Override
        public String toString() {
            return Sql.account(user, host);
        }
    }

    /**
     * An account that bypasses read_only, and the global privilege that lets it.
     *
     * @param role the role that holds the privilege when the account has it only through one; null when its own
     */
    public record Bypass(Account account, String privilege, String role) {
        public Bypass(Account account, String privilege) {
            this(account, privilege, null);
        }

        /** For a person: the privilege, and the role it comes through. */
        public String how() {
            return role == null ? privilege : privilege + " through role " + Sql.identifier(role);
        }
    }

    private record RolePrivilege(String role, String privilege) {}

    /** Every unlocked account (not a role) whose global grant bypasses read_only on this server. */
    public static List<Bypass> read(DbSession db) throws SQLException {
        String version = db.scalar("SELECT @@GLOBAL.version").orElse("");
        List<Bypass> out = new ArrayList<>();
        for (Map<String, String> row : db.rows("SELECT u.User, u.Host, JSON_VALUE(g.Priv, '$.account_locked') AS locked"
                + " FROM mysql.user u JOIN mysql.global_priv g ON g.User = u.User AND g.Host = u.Host"
                + " WHERE u.is_role = 'N' ORDER BY u.User, u.Host")) {
            if (isTrue(row.get("locked"))) continue;
            Account account = new Account(row.get("User"), row.get("Host"));
            List<String> grants;
            try {
                grants = showGrants(db, account.toString());
            } catch (SQLException e) {
                // 1141: the server did not load it (a host name under skip_name_resolve): nobody can log in with it.
                if (e.getErrorCode() == ER_NONEXISTING_GRANT) continue;
                throw e;
            }
            Optional<String> own = bypassingPrivilege(grants, version);
            if (own.isPresent()) {
                out.add(new Bypass(account, own.get()));
            } else {
                throughRole(db, grants, version).ifPresent(r -> out.add(new Bypass(account, r.privilege(), r.role())));
            }
        }
        return out;
    }

    /**
     * A bypassing privilege held by a role granted to the account, directly or through other roles: the account
     * can SET ROLE it at any time, default role or not. Names the role granted to the account itself (the one to
     * revoke). Bounded: a role graph is small, and cycles are refused by the server but guarded anyway.
     */
    private static Optional<RolePrivilege> throughRole(DbSession db, List<String> grants, String version) throws SQLException {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String direct : roles(grants)) {
            java.util.Deque<String> pending = new java.util.ArrayDeque<>(List.of(direct));
            while (!pending.isEmpty() && seen.size() < MAX_ROLES) {
                String role = pending.poll();
                if (!seen.add(role)) continue;
                List<String> roleGrants;
                try {
                    roleGrants = showGrants(db, Sql.identifier(role));
                } catch (SQLException e) {
                    if (e.getErrorCode() == ER_NONEXISTING_GRANT) continue;
                    throw e;
                }
                Optional<String> p = bypassingPrivilege(roleGrants, version);
                if (p.isPresent()) return Optional.of(new RolePrivilege(direct, p.get()));
                pending.addAll(roles(roleGrants));
            }
        }
        return Optional.empty();
    }

    /** The roles these SHOW GRANTS lines grant ("GRANT `role` TO ..."). */
    static List<String> roles(List<String> grantLines) {
        List<String> out = new ArrayList<>();
        for (String line : grantLines) {
            Matcher m = ROLE_GRANT.matcher(line);
            if (m.find()) out.add(m.group(1).replace("``", "`"));
        }
        return out;
    }

    private static List<String> showGrants(DbSession db, String grantee) throws SQLException {
        List<String> lines = new ArrayList<>();
        for (Map<String, String> g : db.rows("SHOW GRANTS FOR " + grantee)) lines.add(g.values().iterator().next());
        return lines;
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
