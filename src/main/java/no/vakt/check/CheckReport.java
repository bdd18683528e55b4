package no.vakt.check;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import no.vakt.config.VaktConfig;

/**
 * The preflight's answer, for a person (a table) or a program (JSON).
 *
 * <p>JSON fields: {@code ready} (true when there is no ERROR finding), {@code cluster}, {@code errors} and
 * {@code warnings} (counts), {@code canaryArrivalMs} (milliseconds for the canary row to reach the standby,
 * null when it did not arrive or was not written), and {@code findings}: a list, errors first, of
 * {@code id} (stable check id, see {@link Finding}), {@code severity} (OK, INFO, WARNING, ERROR),
 * {@code node} (node name, null for the pair), {@code message}, {@code fix} (null when nothing to do).
 */
public record CheckReport(String cluster, Long canaryArrivalMs, List<Finding> findings) {
    public CheckReport {
        findings = List.copyOf(findings);
    }

    public static CheckReport of(VaktConfig config, Observations observations) {
        CanaryResult c = observations.canary();
        return new CheckReport(config.cluster(), c == null ? null : c.arrivalMs(), Preflight.evaluate(config, observations));
    }

    public boolean ready() {
        return Preflight.ready(findings);
    }

    public long errors() {
        return count(Severity.ERROR);
    }

    public long warnings() {
        return count(Severity.WARNING);
    }

    /** "READY: 0 errors, 2 warnings" or "NOT READY: 1 error, 0 warnings". */
    public String summary() {
        return (ready() ? "READY" : "NOT READY") + ": " + plural(errors(), "error") + ", " + plural(warnings(), "warning");
    }

    /** A table for a person at 3 AM: what is wrong, where, and the fix on the line below. */
    public String table() {
        int nodeWidth = Math.max(4, findings.stream().mapToInt(f -> node(f).length()).max().orElse(0));
        int idWidth = Math.max(5, findings.stream().mapToInt(f -> f.id().length()).max().orElse(0));
        String format = "%-8s  %-" + nodeWidth + "s  %-" + idWidth + "s  %s%n";
        String indent = " ".repeat(8 + 2 + nodeWidth + 2 + idWidth + 2);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(format, "SEVERITY", "NODE", "CHECK", "MESSAGE"));
        for (Finding f : findings) {
            sb.append(String.format(format, f.severity(), node(f), f.id(), f.message()));
            if (f.fix() != null) sb.append(indent).append("fix: ").append(f.fix()).append(System.lineSeparator());
        }
        sb.append(System.lineSeparator()).append(summary()).append(System.lineSeparator());
        return sb.toString();
    }

    public String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            return mapper.writeValueAsString(new Json(ready(), cluster, errors(), warnings(), canaryArrivalMs, findings));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the check report as JSON", e);
        }
    }

    @JsonPropertyOrder({"ready", "cluster", "errors", "warnings", "canaryArrivalMs", "findings"})
    private record Json(boolean ready, String cluster, long errors, long warnings, Long canaryArrivalMs,
            List<Finding> findings) {}

    private long count(Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }

    private static String node(Finding f) {
        return f.node() == null ? "-" : f.node();
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
