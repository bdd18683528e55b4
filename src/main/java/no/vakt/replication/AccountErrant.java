package no.vakt.replication;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.vakt.cluster.GtidPosition.Gtid;
import no.vakt.cluster.GtidPosition;

/**
 * Whether a standby's errant transactions (GTIDs the primary lacks) only change accounts: the trap of
 * creating Vakt's admin account on a standby whose binary log is on, without {@code sql_log_bin=0}. Decided
 * from the standby's binary log events (SHOW BINLOG EVENTS) grouped by GTID; pure, so every case is tested.
 * Statement texts are only classified, never kept: an account statement can carry a password.
 */
public final class AccountErrant {
    /** One row of SHOW BINLOG EVENTS: its Event_type and Info. */
    public record Event(String type, String info) {}

    /** The events of one transaction, from its Gtid event to the next. */
    public record Group(Gtid gtid, List<Event> events) {
        public Group {
            events = List.copyOf(events);
        }
    }

    /**
     * @param accountOnly every errant transaction was found and changes accounts only
     * @param statements the kinds of account statements seen (CREATE USER, GRANT...), for the message
     * @param otherwise why not, each naming a GTID and what it touches (no statement text)
     * @param keep the standby's position once the errant transactions are set aside, when accountOnly
     */
    public record Verdict(boolean accountOnly, List<Gtid> errant, Set<String> statements, List<String> otherwise,
            GtidPosition keep) {}

    private static final Pattern GTID = Pattern.compile("GTID (\\d+)-(\\d+)-(\\d+)");
    private static final Pattern USE_PREFIX = Pattern.compile("^use `[^`]*`; ", Pattern.CASE_INSENSITIVE);
    private static final Pattern ACCOUNT_STATEMENT = Pattern.compile(
            "^(CREATE (OR REPLACE )?(USER|ROLE)|DROP (USER|ROLE)|ALTER USER|RENAME USER|GRANT|REVOKE|SET PASSWORD"
                    + "|SET DEFAULT ROLE|FLUSH PRIVILEGES)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern TABLE_MAP = Pattern.compile("\\(([^.()]+)\\.([^()]+)\\)");
    /** The tables behind the account statements (MariaDB 10.4+; mysql.user is a view over global_priv). */
    static final Set<String> ACCOUNT_TABLES = Set.of("user", "global_priv", "db", "tables_priv", "columns_priv",
            "procs_priv", "proxies_priv", "roles_mapping");

    private AccountErrant() {}

    /** The GTID a Gtid event starts, from its Info ("BEGIN GTID 0-2-5" or "GTID 0-2-5"). */
    public static Optional<Gtid> gtidOf(Event e) {
        if (!"Gtid".equalsIgnoreCase(e.type()) || e.info() == null) return Optional.empty();
        Matcher m = GTID.matcher(e.info());
        return m.find() ? Optional.of(new Gtid(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)))) : Optional.empty();
    }

    /**
     * Judges the standby's errant transactions. {@code groups} are the transactions of its binary log that the
     * primary does not know; {@code standby} and {@code primary} are the two GTID histories.
     */
    public static Verdict judge(List<Group> groups, GtidHistory standby, GtidHistory primary) {
        List<Gtid> errant = standby.unknownTo(primary);
        Set<String> statements = new LinkedHashSet<>();
        List<String> otherwise = new ArrayList<>();
        for (Group g : groups) {
            if (primary.knows(g.gtid())) continue;
            for (Event e : g.events()) {
                String why = notAccount(e, statements);
                if (why != null) {
                    otherwise.add(g.gtid() + " " + why);
                    break;
                }
            }
        }
        // The newest transaction of each errant origin must be among the events read, or part of them is unread.
        for (Gtid last : errant) {
            if (groups.stream().noneMatch(g -> g.gtid().equals(last))) {
                otherwise.add(last + " is no longer in the standby's binary log (purged), so what it changed is unknown");
            }
        }
        Optional<GtidPosition> keep = standby.positionKnownTo(primary);
        if (keep.isEmpty()) {
            otherwise.add("the standby wrote GTIDs under a server id the primary also has history from:"
                    + " no position separates the two");
        }
        boolean accountOnly = !errant.isEmpty() && otherwise.isEmpty();
        return new Verdict(accountOnly, errant, statements, otherwise, keep.orElse(GtidPosition.EMPTY));
    }

    /** Null when the event belongs to an account change; otherwise what it is. */
    private static String notAccount(Event e, Set<String> statements) {
        String type = e.type() == null ? "" : e.type();
        String info = e.info() == null ? "" : e.info().trim();
        switch (type) {
            case "Gtid", "Xid", "Annotate_rows", "Gtid_list", "Binlog_checkpoint", "Format_desc", "Rotate", "Stop",
                    "Start_encryption" -> {
                return null;
            }
            case "Query" -> {
                String sql = USE_PREFIX.matcher(info).replaceFirst("").trim();
                String upper = sql.toUpperCase(Locale.ROOT);
                if (upper.equals("BEGIN") || upper.startsWith("COMMIT")) return null;
                Matcher m = ACCOUNT_STATEMENT.matcher(sql);
                if (m.find()) {
                    statements.add(m.group(1).toUpperCase(Locale.ROOT).replaceAll("\\s+", " "));
                    return null;
                }
                return "runs " + firstWords(sql);
            }
            case "Table_map" -> {
                Matcher m = TABLE_MAP.matcher(info);
                if (m.find() && m.group(1).equals("mysql") && ACCOUNT_TABLES.contains(m.group(2))) {
                    statements.add("rows of mysql." + m.group(2));
                    return null;
                }
                return "changes rows of " + (m.find(0) ? m.group(1) + "." + m.group(2) : "a table");
            }
            default -> {
                // Row events follow their Table_map, which decided already.
                return type.endsWith("_rows_v1") || type.endsWith("_rows") ? null : "holds a " + type + " event";
            }
        }
    }

    /** The statement's kind (its first two words), not its text: an account statement can hold a password. */
    private static String firstWords(String sql) {
        String[] w = sql.split("\\s+", 3);
        return (w.length >= 2 ? w[0] + " " + w[1] : w[0]).toUpperCase(Locale.ROOT);
    }
}
