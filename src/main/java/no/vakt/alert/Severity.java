package no.vakt.alert;

/** How urgent an alert is. */
public enum Severity {
    /** For the record: a planned action finished. */
    INFO,
    /** Someone should look soon: Vakt is not protecting as configured, or refused to act. */
    WARNING,
    /** Someone must act now: the primary is down, a failover failed, or data may be at risk. */
    CRITICAL
}
