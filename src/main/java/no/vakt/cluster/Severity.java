package no.vakt.cluster;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** How urgent an alert is. In the config written in any case ({@code min-severity: warning}). */
public enum Severity {
    /** For the record: a planned action finished. */
    INFO,
    /** Someone should look soon: Vakt is not protecting as configured, or refused to act. */
    WARNING,
    /** Someone must act now: the primary is down, a failover failed, or data may be at risk. */
    CRITICAL;

    @JsonCreator
    public static Severity parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected one of info, warning, critical; got '" + text + "'");
        }
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
