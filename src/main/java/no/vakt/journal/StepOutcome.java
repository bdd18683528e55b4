package no.vakt.journal;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How one failover step ended. A step row without an outcome was interrupted (or is still running). */
public enum StepOutcome {
    OK,
    FAILED,
    /** The step had nothing to do (for example: the old primary no longer answers, so nothing to fence over SQL). */
    SKIPPED;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StepOutcome fromLabel(String label) {
        return Labels.from(StepOutcome.class, StepOutcome::label, label, "step outcome");
    }
}
