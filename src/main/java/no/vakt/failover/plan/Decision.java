package no.vakt.failover.plan;

/** What to do with a failover request. */
public enum Decision {
    /** Run the steps now. */
    PROCEED,
    /** Alert and wait for a person to run the approve command (manual mode, or {@code vakt promote} without --confirm). */
    WAIT_FOR_OPERATOR,
    /** Alert only (notify-only mode): Vakt never promotes by itself. */
    NOTIFY_ONLY,
    /** Do not promote; the refusals say why, and whether {@code --force} could override them. */
    REFUSE
}
