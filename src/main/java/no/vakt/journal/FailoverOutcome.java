package no.vakt.journal;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a failover ended. {@code RUNNING} means it has not ended (or the process died during it). */
public enum FailoverOutcome {
    RUNNING,
    COMPLETED,
    /** Stopped before it finished: a step failed, or crash recovery stopped it safely. */
    ABORTED,
    /** Planned but not started: a rule (cooldown, RPO, ...) forbade it. */
    REFUSED;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FailoverOutcome fromLabel(String label) {
        return Labels.from(FailoverOutcome.class, FailoverOutcome::label, label, "failover outcome");
    }
}
