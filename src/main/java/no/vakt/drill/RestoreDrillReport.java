package no.vakt.drill;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What a restore drill found, written as the failover drills' reports are ({@code report.json} in snake_case,
 * {@code report.md}, {@code report.html}) into {@code .vakt/drills/<time>-restore/}.
 *
 * @param restoreMs backup unpacked and prepared, server started, archive replayed: the time a real restore takes
 *     before its server can serve (against {@code objectives.rto})
 * @param dataAgeMs how old the newest restorable point was when the drill began: 0 when the restore held every
 *     transaction the primary had then, else the age of the newest transaction it held (an upper bound on the
 *     writes a restore would lose; against {@code objectives.rpo})
 * @param comparedGtid the GTID position at which the restored server and the standby were compared; null when not
 * @param notes what the drill did to the live servers, one line per action
 */
public record RestoreDrillReport(
        String drillId,
        String cluster,
        Instant startedAt,
        Instant endedAt,
        boolean passed,
        String backupId,
        String backupNode,
        Instant backupFinishedAt,
        String archiveNode,
        String primaryGtidAtStart,
        String restoredGtid,
        Instant newestRestoredTransaction,
        long restoreMs,
        long rtoObjectiveMs,
        long dataAgeMs,
        long rpoObjectiveMs,
        String comparedWith,
        String comparedGtid,
        List<TableChecks.Compared> tables,
        List<String> reasons,
        List<String> notes,
        String configFile,
        String configSha256,
        String vaktVersion,
        String reportDir) {

    public boolean restoreMet() {
        return restoreMs <= rtoObjectiveMs;
    }

    public boolean dataAgeMet() {
        return dataAgeMs <= rpoObjectiveMs;
    }

    public long tablesDiffering() {
        return tables.stream().filter(t -> !t.equal()).count();
    }

    public String toJson() {
        try {
            return DrillReport.json().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the restore drill report as JSON", e);
        }
    }

    /** Three lines for a terminal, as a failover drill's: verdict, figures against objectives, where the report is. */
    public String summary() {
        StringBuilder sb = new StringBuilder("drill ").append(drillId).append(" (restore): ").append(passed ? "PASSED" : "FAILED").append('\n');
        sb.append("  restore ").append(restoreMs).append(" ms (objective ").append(rtoObjectiveMs).append(" ms), data age ")
                .append(dataAgeMs).append(" ms (objective ").append(rpoObjectiveMs).append(" ms), ");
        sb.append(comparedGtid == null ? "not compared" : (tables.size() - tablesDiffering()) + "/" + tables.size()
                + " tables equal to " + comparedWith + " at GTID " + comparedGtid).append('\n');
        for (String r : reasons) sb.append("  - ").append(r).append('\n');
        if (reportDir != null) sb.append("  report: ").append(reportDir).append("/report.html\n");
        return sb.toString();
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), toJson() + "\n");
        Files.writeString(dir.resolve("report.md"), markdown());
        Files.writeString(dir.resolve("report.html"), html());
    }

    private List<String[]> figures() {
        return List.of(
                new String[] {"restore time (unpack, prepare, start, replay)", restoreMs + " ms", "<= " + rtoObjectiveMs + " ms",
                    restoreMet() ? "yes" : "NO"},
                new String[] {"data age (newest restorable point)", dataAgeMs + " ms", "<= " + rpoObjectiveMs + " ms",
                    dataAgeMet() ? "yes" : "NO"},
                new String[] {"tables equal at the same GTID", comparedGtid == null ? "not compared"
                    : (tables.size() - tablesDiffering()) + " of " + tables.size(), "all", comparedGtid != null && tablesDiffering() == 0
                    && !tables.isEmpty() ? "yes" : "NO"});
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("# Vakt restore drill ").append(drillId).append(": ").append(passed ? "PASSED" : "FAILED")
                .append("\n\n");
        sb.append("Cluster `").append(cluster).append("`: backup `").append(backupId).append("` (").append(backupNode)
                .append(", finished ").append(backupFinishedAt).append(") + ").append(RestoreDrill.describeArchive(archiveNode))
                .append(", restored into a scratch server.  \n");
        sb.append("Started ").append(startedAt).append(", ended ").append(endedAt).append(". Primary at start: GTID `")
                .append(primaryGtidAtStart).append("`; restored: `").append(restoredGtid).append("` (newest transaction ")
                .append(newestRestoredTransaction).append(").\n\n");
        sb.append("## Figures against the objectives\n\n| figure | measured | objective | met |\n|---|---|---|---|\n");
        for (String[] row : figures()) sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        if (!reasons.isEmpty()) {
            sb.append("\n## Why it failed\n\n");
            for (String why : reasons) sb.append("- ").append(why).append('\n');
        }
        sb.append("\n## Tables (compared with ").append(comparedWith).append(" at GTID ").append(comparedGtid).append(")\n\n")
                .append("| table | rows on the standby | rows restored | equal |\n|---|---:|---:|---|\n");
        for (TableChecks.Compared t : tables) {
            sb.append("| ").append(t.table()).append(" | ").append(t.standbyRows()).append(" | ").append(t.restoredRows()).append(" | ")
                    .append(t.equal() ? "yes" : "NO: " + t.difference()).append(" |\n");
        }
        sb.append("\n## What the drill did\n\n");
        for (String n : notes) sb.append("- ").append(n).append('\n');
        sb.append("\n## Evidence\n\n- config `").append(configFile).append("`, SHA-256 `").append(configSha256).append("`\n- vakt ")
                .append(vaktVersion).append('\n');
        return sb.toString();
    }

    String html() {
        StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Vakt restore drill ")
                .append(ReportWriter.esc(drillId)).append("</title></head><body>\n<h1>Vakt restore drill ").append(ReportWriter.esc(drillId))
                .append(": ").append(passed ? "PASSED" : "FAILED").append("</h1>\n<p>Backup <code>").append(ReportWriter.esc(backupId))
                .append("</code> + ").append(ReportWriter.esc(RestoreDrill.describeArchive(archiveNode))).append("; restored GTID <code>")
                .append(ReportWriter.esc(restoredGtid)).append("</code>.</p>\n<table border=\"1\"><tr><th>figure</th><th>measured</th>"
                + "<th>objective</th><th>met</th></tr>");
        for (String[] row : figures()) {
            sb.append("<tr>");
            for (String c : row) sb.append("<td>").append(ReportWriter.esc(c)).append("</td>");
            sb.append("</tr>");
        }
        sb.append("</table>\n");
        if (!reasons.isEmpty()) {
            sb.append("<h2>Why it failed</h2><ul>");
            for (String r : reasons) sb.append("<li>").append(ReportWriter.esc(r)).append("</li>");
            sb.append("</ul>\n");
        }
        sb.append("<h2>Tables</h2><table border=\"1\"><tr><th>table</th><th>standby rows</th><th>restored rows</th><th>equal</th></tr>");
        for (TableChecks.Compared t : tables) {
            sb.append("<tr><td>").append(ReportWriter.esc(t.table())).append("</td><td>").append(t.standbyRows()).append("</td><td>")
                    .append(t.restoredRows()).append("</td><td>").append(t.equal() ? "yes" : "NO: " + ReportWriter.esc(t.difference()))
                    .append("</td></tr>");
        }
        sb.append("</table>\n<h2>What the drill did</h2><ul>");
        for (String n : notes) sb.append("<li>").append(ReportWriter.esc(n)).append("</li>");
        sb.append("</ul>\n<h2>Evidence</h2><ul><li>config <code>").append(ReportWriter.esc(configFile)).append("</code>, SHA-256 <code>")
                .append(configSha256).append("</code></li><li>vakt ").append(ReportWriter.esc(vaktVersion)).append("</li></ul>\n</body></html>\n");
        return sb.toString();
    }
}
