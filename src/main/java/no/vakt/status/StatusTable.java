package no.vakt.status;

import java.util.ArrayList;
import java.util.List;

/**
 * The human view of {@code vakt status}: one line per node, fixed columns, then the warnings in
 * plain sentences. Meant to be read half awake: the live role first, a {@code !} where something is
 * wrong, "-" where a value does not apply.
 */
public final class StatusTable {
    static final String[] HEADER = {"SITE", "NODE", "ADDRESS", "ROLE", "CONFIGURED", "REACHABLE", "READ_ONLY",
        "GTID", "IO", "SQL", "HB_LAG", "SBM", "SEMI_SYNC", "LAST ERROR"};
    /** Long server errors are cut in the table; --json carries them whole. */
    static final int MAX_ERROR = 100;

    private StatusTable() {}

    public static String render(StatusReport report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (NodeStatus n : report.nodes()) rows.add(cells(n));
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Cluster ").append(report.cluster()).append(": ").append(report.reachableCount()).append('/')
                .append(report.nodes().size()).append(" nodes reachable (").append(report.generatedAt()).append(")\n");
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : pad(r[i], width[i] + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        if (report.warnings().isEmpty()) {
            sb.append("No problems seen.\n");
        } else {
            for (String w : report.warnings()) sb.append("! ").append(w).append('\n');
        }
        return sb.toString();
    }

    static String[] cells(NodeStatus n) {
        if (!n.reachable()) {
            return new String[] {n.site(), n.node(), n.address(), n.liveRole(), n.configuredRole(), "NO", "-", "-",
                "-", "-", "-", "-", "-", cut(n.error())};
        }
        return new String[] {
            n.site(),
            n.node(),
            n.address(),
            n.liveRole() + (n.roleMismatch() ? " !" : ""),
            n.configuredRole(),
            "yes",
            Boolean.TRUE.equals(n.readOnly()) ? "ON" : "OFF",
            n.gtidCurrentPos() == null || n.gtidCurrentPos().isEmpty() ? "-" : n.gtidCurrentPos(),
            n.ioThread() == null ? "-" : n.ioThread(),
            n.sqlThread() == null ? "-" : n.sqlThread(),
            heartbeatLag(n),
            n.secondsBehindMaster() == null ? (n.replicatingFrom() == null ? "-" : "NULL") : n.secondsBehindMaster() + " s",
            n.semiSync() == null ? "-" : n.semiSync() + (NodeStatus.SEMI_SYNC_FALLBACK.equals(n.semiSync()) ? " !" : ""),
            n.lastError() == null ? "" : cut(n.lastError())
        };
    }

    /**
     * A standby's lag; "(age)" when it is the raw age of its newest row (its source did not answer).
     * "-" on a primary or an idle node, where there is no lag, and while no heartbeat has arrived.
     */
    private static String heartbeatLag(NodeStatus n) {
        if (n.heartbeatLagMs() == null) return "-";
        return n.heartbeatLagMs() + " ms" + (n.lagFromAge() ? " (age)" : "");
    }

    private static String cut(String s) {
        if (s == null) return "";
        return s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR - 3) + "...";
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
