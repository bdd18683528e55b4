package no.vakt.drill;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a drill found, as it goes into {@code report.json} (snake_case keys, ISO-8601 instants),
 * {@code report.md}, {@code report.html} and {@code timeline.svg}.
 *
 * @param failoverId the journal's id of the failover the drill caused; null when none
 * @param skipped observations that could not be made, with why ("traffic switch: no drills.service configured")
 * @param restore what the restore did, one line per action
 * @param timeToWarm promotion until the service's reads are back within 1.5x of their p99 before the fault
 */
public record DrillReport(
        String drillId,
        String cluster,
        String fault,
        String faultDescription,
        Instant startedAt,
        Instant faultAt,
        Instant endedAt,
        boolean passed,
        String oldPrimary,
        String newPrimary,
        Long failoverId,
        String service,
        int writeRate,
        Measurement measurement,
        TimeToWarm timeToWarm,
        List<TimelineEvent> timeline,
        List<String> skipped,
        List<String> restore,
        String configFile,
        String configSha256,
        String vaktVersion,
        Map<String, String> mariadbVersions,
        String reportDir) {

    @JsonProperty("timeline_offsets_ms")
    public List<Long> timelineOffsetsMs() {
        return timeline.stream().map(e -> offsetMs(e.at())).toList();
    }

    /** Milliseconds from the fault (negative before it). */
    public long offsetMs(Instant at) {
        return Duration.between(faultAt != null ? faultAt : startedAt, at).toMillis();
    }

    public static ObjectMapper json() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    public String toJson() {
        try {
            return json().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the drill report as JSON", e);
        }
    }

    /** Three lines for a terminal: verdict, figures against objectives, where the report is. */
    public String summary() {
        Measurement m = measurement;
        StringBuilder sb = new StringBuilder();
        sb.append("drill ").append(drillId).append(" (").append(fault).append("): ").append(passed ? "PASSED" : "FAILED")
                .append('\n');
        sb.append("  RTO ").append(m.rtoMs() == null ? (m.failoverExpected() ? "not reached" : "n/a (no failover expected)")
                : m.rtoMs() + " ms").append(" (objective ").append(m.rtoObjectiveMs()).append(" ms)");
        sb.append(", RPO ").append(m.rpoRows()).append(" rows / ").append(m.rpoMs()).append(" ms (objective ")
                .append(m.rpoObjectiveMs()).append(" ms)");
        sb.append(", failover ").append(m.failoverHappened() ? "yes" : "no").append(m.failoverExpected() ? " (expected)"
                : " (expected: none)");
        sb.append(", ").append(m.acked()).append(" writes acknowledged\n");
        if (timeToWarm != null) sb.append("  time to warm: ").append(timeToWarm.describe()).append('\n');
        for (String r : m.reasons()) sb.append("  - ").append(r).append('\n');
        if (reportDir != null) sb.append("  report: ").append(reportDir).append("/report.html\n");
        return sb.toString();
    }
}
