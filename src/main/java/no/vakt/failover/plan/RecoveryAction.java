package no.vakt.failover.plan;

/** What crash recovery does with a failover the journal still shows as running. */
public enum RecoveryAction {
    /** Run the steps again from {@code resumeFrom} (each step is safe to repeat). */
    RESUME_FROM,
    /** Everything already happened; only the journal entry is missing. */
    MARK_COMPLETED,
    /** Stop here, leave no writable stale node, alert: a person takes over. */
    ABORT_SAFELY,
    /** Not adopted: the process that runs it is still alive (or on another host); it settles it itself. */
    LEFT_TO_OWNER
}
