package no.vakt.replication;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.GtidPosition.Gtid;
import no.vakt.db.DbSession;
import no.vakt.db.Sql;

/**
 * Reads the standby's errant transactions from its binary log with SHOW BINLOG EVENTS (rows with the event
 * type and a summary, no decoding of our own), keeping only the transactions the primary does not know.
 * Bounded: at most {@link #MAX_EVENTS} events are read; beyond that the verdict is "unknown", never "only accounts".
 */
final class AccountErrantScan {
    static final int PAGE = 10_000;
    static final long MAX_EVENTS = 5_000_000;

    private AccountErrantScan() {}

    static AccountErrant.Verdict scan(DbSession standby, Observation observed) throws SQLException {
        return scan(standby, observed, PAGE);
    }

    static AccountErrant.Verdict scan(DbSession standby, Observation observed, int page) throws SQLException {
        GtidHistory primary = observed.primaryHistory();
        List<AccountErrant.Group> groups = new ArrayList<>();
        long read = 0;
        boolean complete = true;
        files:
        for (Map<String, String> log : standby.rows("SHOW BINARY LOGS")) {
            String file = log.get("Log_name");
            Gtid current = null;
            List<AccountErrant.Event> events = new ArrayList<>();
            // Paged by position, not by offset: an offset makes the server read the file from its start again.
            for (long from = 4; ; ) {
                long pageStart = from;
                List<Map<String, String>> rows = standby.rows("SHOW BINLOG EVENTS IN " + Sql.literal(file)
                        + " FROM " + from + " LIMIT " + page);
                for (Map<String, String> row : rows) {
                    from = Long.parseLong(row.get("End_log_pos"));
                    AccountErrant.Event e = new AccountErrant.Event(row.get("Event_type"), row.get("Info"));
                    var gtid = AccountErrant.gtidOf(e);
                    if (gtid.isPresent()) {
                        if (current != null && !primary.knows(current)) groups.add(new AccountErrant.Group(current, events));
                        current = gtid.get();
                        events = new ArrayList<>();
                    }
                    if (current != null && !primary.knows(current)) events.add(e);
                }
                read += rows.size();
                if (read > MAX_EVENTS) {
                    complete = false;
                    break files;
                }
                if (rows.size() < page || from <= pageStart) break;
            }
            if (current != null && !primary.knows(current)) groups.add(new AccountErrant.Group(current, events));
        }
        AccountErrant.Verdict v = AccountErrant.judge(groups, observed.standbyHistory(), primary);
        if (complete) return v;
        List<String> otherwise = new ArrayList<>(v.otherwise());
        otherwise.add("the standby's binary log holds more than " + MAX_EVENTS + " events; not all were read");
        return new AccountErrant.Verdict(false, v.errant(), v.statements(), otherwise, v.keep());
    }
}
