package no.vakt.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Writes a drill's report as JSON, Markdown, HTML (with the SVG inline) and a standalone SVG. */
public final class ReportWriter {
    private ReportWriter() {}

    public static void write(DrillReport r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), r.toJson() + "\n");
        String svg = svg(r);
        Files.writeString(dir.resolve("timeline.svg"), svg);
        Files.writeString(dir.resolve("report.md"), markdown(r));
        Files.writeString(dir.resolve("report.html"), html(r, svg));
    }

    static String markdown(DrillReport r) {
        Measurement m = r.measurement();
        StringBuilder sb = new StringBuilder();
        sb.append("# Vakt drill ").append(r.drillId()).append(": ").append(r.passed() ? "PASSED" : "FAILED").append("\n\n");
        sb.append("Cluster `").append(r.cluster()).append("`, fault **").append(r.fault()).append("**: ")
                .append(r.faultDescription()).append(".  \n");
        sb.append("Started ").append(r.startedAt()).append(", fault at ").append(r.faultAt()).append(", ended ")
                .append(r.endedAt()).append(".  \n");
        sb.append("Load: ").append(r.writeRate()).append(" rows/s through ").append(r.service()).append(".\n\n");
        sb.append("## Figures against the objectives\n\n| figure | measured | objective | met |\n|---|---|---|---|\n");
        for (String[] row : figures(r)) sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        if (!m.reasons().isEmpty()) {
            sb.append("\n## Why it failed\n\n");
            for (String why : m.reasons()) sb.append("- ").append(why).append('\n');
        }
        sb.append("\n## Timeline\n\n![timeline](timeline.svg)\n\n| at (UTC) | from fault | what |\n|---|---:|---|\n");
        for (TimelineEvent e : r.timeline()) {
            sb.append("| ").append(e.at()).append(" | ").append(signed(r.offsetMs(e.at()))).append(" ms | ")
                    .append(e.kind()).append(": ").append(e.what().replace("|", "\\|")).append(" |\n");
        }
        if (!r.skipped().isEmpty()) {
            sb.append("\n## Not observed\n\n");
            for (String s : r.skipped()) sb.append("- ").append(s).append('\n');
        }
        sb.append("\n## Restore\n\n");
        for (String s : r.restore()) sb.append("- ").append(s).append('\n');
        sb.append("\n## Evidence\n\n");
        sb.append("- config: `").append(r.configFile()).append("`, SHA-256 `").append(r.configSha256()).append("`\n");
        sb.append("- vakt ").append(r.vaktVersion()).append('\n');
        for (Map.Entry<String, String> v : r.mariadbVersions().entrySet()) {
            sb.append("- ").append(v.getKey()).append(": MariaDB ").append(v.getValue()).append('\n');
        }
        sb.append("- failover in the journal: ").append(r.failoverId() == null ? "none" : "#" + r.failoverId())
                .append(" (").append(r.oldPrimary()).append(" -> ").append(r.newPrimary()).append(")\n");
        return sb.toString();
    }

    static String html(DrillReport r, String svg) {
        Measurement m = r.measurement();
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vakt drill ")
                .append(esc(r.drillId())).append("</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
                        + ".pass{color:#1a7f37}.fail{color:#cf222e}</style></head><body>\n");
        sb.append("<h1>Vakt drill ").append(esc(r.drillId())).append(": <span class=\"").append(r.passed() ? "pass\">PASSED" : "fail\">FAILED")
                .append("</span></h1>\n");
        sb.append("<p>Cluster <code>").append(esc(r.cluster())).append("</code>, fault <b>").append(esc(r.fault())).append("</b>: ")
                .append(esc(r.faultDescription())).append(".<br>Fault at ").append(r.faultAt()).append("; load ")
                .append(r.writeRate()).append(" rows/s through ").append(esc(r.service())).append(".</p>\n");
        sb.append("<h2>Figures against the objectives</h2>\n<table><tr><th>figure</th><th>measured</th><th>objective</th><th>met</th></tr>\n");
        for (String[] row : figures(r)) {
            sb.append("<tr>");
            for (String c : row) sb.append("<td>").append(esc(c)).append("</td>");
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
        if (!m.reasons().isEmpty()) {
            sb.append("<h2>Why it failed</h2><ul>");
            for (String why : m.reasons()) sb.append("<li>").append(esc(why)).append("</li>");
            sb.append("</ul>\n");
        }
        sb.append("<h2>Timeline</h2>\n").append(svg).append("\n<table><tr><th>at (UTC)</th><th>from fault</th><th>kind</th><th>what</th></tr>\n");
        for (TimelineEvent e : r.timeline()) {
            sb.append("<tr><td>").append(e.at()).append("</td><td>").append(signed(r.offsetMs(e.at()))).append(" ms</td><td>")
                    .append(esc(e.kind())).append("</td><td>").append(esc(e.what())).append("</td></tr>\n");
        }
        sb.append("</table>\n");
        if (!r.skipped().isEmpty()) {
            sb.append("<h2>Not observed</h2><ul>");
            for (String s : r.skipped()) sb.append("<li>").append(esc(s)).append("</li>");
            sb.append("</ul>\n");
        }
        sb.append("<h2>Restore</h2><ul>");
        for (String s : r.restore()) sb.append("<li>").append(esc(s)).append("</li>");
        sb.append("</ul>\n<h2>Evidence</h2><ul><li>config <code>").append(esc(r.configFile())).append("</code>, SHA-256 <code>")
                .append(r.configSha256()).append("</code></li><li>vakt ").append(esc(r.vaktVersion())).append("</li>");
        for (Map.Entry<String, String> v : r.mariadbVersions().entrySet()) {
            sb.append("<li>").append(esc(v.getKey())).append(": MariaDB ").append(esc(v.getValue())).append("</li>");
        }
        sb.append("</ul>\n</body></html>\n");
        return sb.toString();
    }

    private static List<String[]> figures(DrillReport r) {
        Measurement m = r.measurement();
        String rto = m.rtoMs() == null ? (m.failoverExpected() ? "not reached" : "n/a") : m.rtoMs() + " ms";
        return List.of(
                new String[] {"RTO (fault to first write through the service)", rto, "<= " + m.rtoObjectiveMs() + " ms",
                    m.rtoMet() ? "yes" : "NO"},
                new String[] {"RPO (acknowledged writes lost)", m.rpoRows() + " rows, " + m.rpoMs() + " ms",
                    "<= " + m.rpoObjectiveMs() + " ms", m.rpoMet() ? "yes" : "NO"},
                new String[] {"failover", m.failoverHappened() ? "yes" : "no", m.failoverExpected() ? "yes" : "no (must not)",
                    m.failoverHappened() == m.failoverExpected() ? "yes" : "NO"},
                new String[] {"writes acknowledged", m.acked() + " (" + m.ackedBeforeFault() + " before the fault)", "-", "-"},
                new String[] {"longest write gap after the fault", m.longestGapAfterFaultMs() + " ms", "-", "-"},
                new String[] {"time to warm (promotion to reads within " + TimeToWarm.FACTOR + "x their p99 before the fault)",
                    r.timeToWarm() == null ? "n/a" : r.timeToWarm().describe(), "-", "-"});
    }

    /** A hand-written SVG: a time axis, one row per event, the fault-to-recovery span shaded. */
    static String svg(DrillReport r) {
        List<TimelineEvent> events = r.timeline();
        int width = 1060;
        int left = 20;
        int right = 560; // the axis; labels go to its right
        int rowH = 20;
        int top = 40;
        int height = top + Math.max(1, events.size()) * rowH + 30;
        Instant first = events.isEmpty() ? r.startedAt() : events.get(0).at();
        Instant last = events.isEmpty() ? r.endedAt() : events.get(events.size() - 1).at();
        long span = Math.max(1, Duration.between(first, last).toMillis());
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.append("<title>Drill ").append(esc(r.drillId())).append(" timeline</title>\n");
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        if (r.faultAt() != null && r.measurement().rtoMs() != null) {
            double x1 = x(r.faultAt(), first, span, left, right);
            double x2 = x(r.faultAt().plusMillis(r.measurement().rtoMs()), first, span, left, right);
            sb.append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#ffe5e5\"/>%n", x1, top - 10,
                    Math.max(1, x2 - x1), height - top - 10));
            sb.append(String.format("<text x=\"%.1f\" y=\"%d\" fill=\"#cf222e\">RTO %d ms</text>%n", x1, top - 14,
                    r.measurement().rtoMs()));
        }
        sb.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n", left, height - 20, right,
                height - 20));
        sb.append(String.format("<text x=\"%d\" y=\"%d\">%s ms</text>%n", left, height - 5, signed(r.offsetMs(first))));
        sb.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s ms</text>%n", right, height - 5,
                signed(r.offsetMs(last))));
        for (int i = 0; i < events.size(); i++) {
            TimelineEvent e = events.get(i);
            double x = x(e.at(), first, span, left, right);
            int y = top + i * rowH;
            String color = color(e.kind());
            sb.append(String.format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"2,2\"/>%n",
                    x, y, x, height - 20, color));
            sb.append(String.format("<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"%s\"/>%n", x, y, color));
            String label = signed(r.offsetMs(e.at())) + " ms  " + e.kind() + ": " + e.what();
            if (label.length() > 80) label = label.substring(0, 77) + "...";
            sb.append(String.format("<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", right + 10, y + 4, color, esc(label)));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static double x(Instant at, Instant first, long span, int left, int right) {
        return left + (right - left) * (double) Duration.between(first, at).toMillis() / span;
    }

    private static String color(String kind) {
        return switch (kind) {
            case "fault" -> "#cf222e";
            case "detection" -> "#bc4c00";
            case "step", "failover" -> "#8250df";
            case "traffic", "write", "read-only-off", "health", "files", "warm" -> "#1a7f37";
            case "restore" -> "#0969da";
            default -> "#57606a";
        };
    }

    private static String signed(long ms) {
        return ms > 0 ? "+" + ms : Long.toString(ms);
    }

    static String esc(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
