package no.vakt.db;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.ReadOnlyBypass.Account;

/**
 * Keeps accounts that bypass read_only ({@link ReadOnlyBypass}) out of a fenced node: read_only alone does
 * not stop them, and in a switchover their writes would become errant transactions the repoint adopts.
 * {@link #lock} locks them (ACCOUNT LOCK) and ends their sessions, which a lock alone leaves open;
 * {@link #unlock} unlocks exactly the accounts Vakt locked, never one that was locked before.
 *
 * <p>Which accounts Vakt locked is kept on the node itself, in {@code vakt.fence_locks}, keyed by its
 * server_id, so whoever lifts the fence later (an aborted switchover, {@code vakt rejoin}, a promotion, a
 * Vakt restarted after a crash) finds the list where the locks are. Nothing here is binary-logged: the
 * locks and their record stay on this node and never replicate to the peer, which must keep the accounts.
 *
 * <p>Privileges this needs on Vakt's own account: CREATE USER (ALTER USER ... ACCOUNT LOCK/UNLOCK), BINLOG
 * ADMIN (sql_log_bin=0), PROCESS and CONNECTION ADMIN (see and kill other users' sessions), SELECT on
 * mysql.user and mysql.global_priv plus SHOW GRANTS for others (the mysql schema's SELECT covers it),
 * CREATE/INSERT/DELETE on vakt.*; and READ ONLY ADMIN, which the fence needs anyway (on 10.11 SET GLOBAL
 * read_only requires it) and without which the server refuses ALTER USER and writes to vakt.fence_locks on
 * a read-only node (a rejoined former primary, a repeated fence).
 */
public final class FenceLocks {
    private FenceLocks() {}

    /**
     * Users never locked: Vakt's own admin accounts (the fence and the way back run through them), the
     * replication account (the new primary still reads the fenced node's last binlog events through it), and
     * root and mariadb.sys, the server's local administrators: locking root would lock the DBA out during the
     * incident. {@code vakt check} still names root's accounts (INFO).
     */
    public static Set<String> exemptUsers(VaktConfig config) {
        Set<String> users = new LinkedHashSet<>();
        for (Node n : config.nodes()) users.add(n.mysql().user());
        users.add(config.replication().user());
        users.add("root");
        users.add("mariadb.sys");
        return users;
    }

    /**
     * Locks every unlocked account that bypasses read_only, except {@code exemptUsers}, and kills its
     * sessions. Run it before read_only=ON (or with READ ONLY ADMIN). Returns the accounts it locked now.
     */
    public static List<Account> lock(DbSession db, Set<String> exemptUsers) throws SQLException {
        List<Account> targets = new ArrayList<>();
        for (ReadOnlyBypass.Bypass b : ReadOnlyBypass.read(db)) {
            if (!exemptUsers.contains(b.account().user())) targets.add(b.account());
        }
        if (targets.isEmpty()) return List.of();
        withoutBinlog(db, () -> {
            db.execute("CREATE DATABASE IF NOT EXISTS vakt");
            db.execute("CREATE TABLE IF NOT EXISTS vakt.fence_locks ("
                    + " server_id INT UNSIGNED NOT NULL,"
                    + " user VARCHAR(128) NOT NULL,"
                    + " host VARCHAR(255) NOT NULL,"
                    + " locked_at DATETIME(6) NOT NULL,"
                    + " PRIMARY KEY (server_id, user, host)"
                    + ") ENGINE=InnoDB");
            for (Account a : targets) {
                // Recorded first: after a crash between the two, unlocking an account that was never locked is harmless.
                db.execute("INSERT IGNORE INTO vakt.fence_locks VALUES (@@GLOBAL.server_id, ?, ?, UTC_TIMESTAMP(6))",
                        a.user(), a.host());
                db.execute("ALTER USER " + a + " ACCOUNT LOCK");
            }
        });
        killSessions(db, targets);
        return List.copyOf(targets);
    }

    /** Unlocks the accounts Vakt locked on this node and forgets them. Returns them; empty when there were none. */
    public static List<Account> unlock(DbSession db) throws SQLException {
        List<Account> locked = lockedByVakt(db);
        if (locked.isEmpty()) return List.of();
        withoutBinlog(db, () -> {
            for (Account a : locked) {
                db.execute("ALTER USER IF EXISTS " + a + " ACCOUNT UNLOCK");
                db.execute("DELETE FROM vakt.fence_locks WHERE server_id = @@GLOBAL.server_id AND user = ? AND host = ?",
                        a.user(), a.host());
            }
        });
        return locked;
    }

    /**
     * {@link #unlock} for a step that already did its real work (a promotion, a rejoin): a failure to unlock
     * must not fail it, so it is returned as text for the step's detail. Empty when nothing was locked.
     */
    public static String unlockForDetail(DbSession db) {
        try {
            List<Account> unlocked = unlock(db);
            return unlocked.isEmpty() ? "" : describe(unlocked, "unlocked");
        } catch (SQLException e) {
            return "unlocking the accounts its fence locked FAILED (" + Errors.describe(e) + "): they are listed in"
                    + " vakt.fence_locks there";
        }
    }

    /** The accounts Vakt locked on this node and has not unlocked yet. */
    public static List<Account> lockedByVakt(DbSession db) throws SQLException {
        List<Account> out = new ArrayList<>();
        try {
            for (Map<String, String> r : db.rows("SELECT user, host FROM vakt.fence_locks"
                    + " WHERE server_id = @@GLOBAL.server_id ORDER BY user, host")) {
                out.add(new Account(r.get("user"), r.get("host")));
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) return List.of(); // never locked anything here
            throw e;
        }
        return out;
    }

    /**
     * What read_only enforces on this server, for plans: "MariaDB has no super_read_only: accounts with READ
     * ONLY ADMIN still write; 'app'@'%' locked for the fence".
     */
    public static String enforcement(DbSession db, Set<String> exemptUsers) throws SQLException {
        String privilege = ReadOnlyBypass.superBypasses(db.scalar("SELECT @@GLOBAL.version").orElse(""))
                ? "SUPER or READ ONLY ADMIN" : "READ ONLY ADMIN";
        List<String> lock = ReadOnlyBypass.read(db).stream().map(ReadOnlyBypass.Bypass::account)
                .filter(a -> !exemptUsers.contains(a.user())).map(Account::toString).toList();
        return "MariaDB has no super_read_only: accounts with " + privilege + " still write; "
                + (lock.isEmpty() ? "no application account has it" : String.join(", ", lock) + " locked for the fence");
    }

    /**
     * {@link #lock} for a fence that must go on without it (read_only is what matters most): what it locked, or
     * that locking failed and why, as a detail for the journal.
     */
    public static String lockForDetail(DbSession db, Set<String> exemptUsers, String verb) {
        try {
            return describe(lock(db, exemptUsers), verb);
        } catch (SQLException e) {
            return lockFailedDetail(e);
        }
    }

    public static String lockFailedDetail(SQLException e) {
        return "locking the accounts that bypass read_only FAILED: " + Errors.describe(e);
    }

    /** For step details: "'app'@'%' locked ...", or that no application account bypasses read_only. */
    public static String describe(List<Account> accounts, String verb) {
        if (accounts.isEmpty()) return "no application account bypasses read_only";
        return String.join(", ", accounts.stream().map(Account::toString).toList()) + " " + verb;
    }

    private static void killSessions(DbSession db, List<Account> accounts) throws SQLException {
        Set<String> users = new LinkedHashSet<>();
        for (Account a : accounts) users.add(a.user());
        String in = String.join(", ", java.util.Collections.nCopies(users.size(), "?"));
        for (Map<String, String> p : db.rows("SELECT ID FROM information_schema.PROCESSLIST WHERE USER IN (" + in + ")"
                + " AND ID <> CONNECTION_ID()", users.toArray())) {
            try {
                db.execute("KILL CONNECTION " + Long.parseLong(p.get("ID")));
            } catch (SQLException e) {
                if (e.getErrorCode() != 1094) throw e; // 1094: unknown thread, it ended by itself
            }
        }
    }

    @FunctionalInterface
    private interface Statements {
        void run() throws SQLException;
    }

    /** Runs with sql_log_bin=0 in this session, then restores the session's previous value. */
    private static void withoutBinlog(DbSession db, Statements body) throws SQLException {
        String before = db.scalar("SELECT @@SESSION.sql_log_bin").orElse("1");
        db.execute("SET SESSION sql_log_bin = 0");
        try {
            body.run();
        } finally {
            db.execute("SET SESSION sql_log_bin = " + ("0".equals(before) ? "0" : "1"));
        }
    }
}
