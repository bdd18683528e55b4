package no.vakt.db;

import java.util.Map;
import java.util.TreeMap;
import no.vakt.cluster.GtidPosition;

/**
 * The parts of SHOW SLAVE STATUS Vakt reads. {@code secondsBehindMaster} is null when the server says NULL;
 * {@code gtidIoPos} is what the IO thread has received (Gtid_IO_Pos), empty when unknown.
 */
public record ReplicaStatus(
        String masterHost,
        int masterPort,
        String ioRunning,
        String sqlRunning,
        Long secondsBehindMaster,
        int lastIoErrno,
        String lastIoError,
        int lastSqlErrno,
        String lastSqlError,
        boolean sslAllowed,
        String usingGtid,
        Map<String, String> filters,
        GtidPosition gtidIoPos) {

    public ReplicaStatus {
        gtidIoPos = gtidIoPos != null ? gtidIoPos : GtidPosition.EMPTY;
    }

    /** Without the received position (hand-made states). */
    public ReplicaStatus(String masterHost, int masterPort, String ioRunning, String sqlRunning, Long secondsBehindMaster,
            int lastIoErrno, String lastIoError, int lastSqlErrno, String lastSqlError, boolean sslAllowed, String usingGtid,
            Map<String, String> filters) {
        this(masterHost, masterPort, ioRunning, sqlRunning, secondsBehindMaster, lastIoErrno, lastIoError, lastSqlErrno,
                lastSqlError, sslAllowed, usingGtid, filters, GtidPosition.EMPTY);
    }

    static ReplicaStatus from(Map<String, String> row) {
        Map<String, String> filters = new TreeMap<>();
        for (String key : new String[] {"Replicate_Do_DB", "Replicate_Ignore_DB", "Replicate_Do_Table",
            "Replicate_Ignore_Table", "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table"}) {
            String v = row.get(key);
            if (v != null && !v.isBlank()) filters.put(key.toLowerCase(java.util.Locale.ROOT), v);
        }
        String sbm = row.get("Seconds_Behind_Master");
        return new ReplicaStatus(
                row.getOrDefault("Master_Host", ""),
                parseInt(row.get("Master_Port")),
                row.getOrDefault("Slave_IO_Running", "No"),
                row.getOrDefault("Slave_SQL_Running", "No"),
                sbm == null ? null : Long.valueOf(sbm),
                parseInt(row.get("Last_IO_Errno")),
                row.getOrDefault("Last_IO_Error", ""),
                parseInt(row.get("Last_SQL_Errno")),
                row.getOrDefault("Last_SQL_Error", ""),
                "Yes".equalsIgnoreCase(row.get("Master_SSL_Allowed")),
                row.getOrDefault("Using_Gtid", "No"),
                filters,
                GtidPosition.parse(row.get("Gtid_IO_Pos")));
    }

    public boolean ioThreadRunning() {
        return "Yes".equalsIgnoreCase(ioRunning);
    }

    public boolean sqlThreadRunning() {
        return "Yes".equalsIgnoreCase(sqlRunning);
    }

    /** The most recent error of either thread, empty when none. */
    public String lastError() {
        if (lastIoError != null && !lastIoError.isBlank()) return "IO " + lastIoErrno + ": " + lastIoError;
        if (lastSqlError != null && !lastSqlError.isBlank()) return "SQL " + lastSqlErrno + ": " + lastSqlError;
        return "";
    }

    private static int parseInt(String s) {
        try {
            return s == null || s.isBlank() ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
