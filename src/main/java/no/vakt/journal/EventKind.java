package no.vakt.journal;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a journal event records. Stored and shown by its kebab-case label. */
public enum EventKind {
    /** The detector's view of a node changed (HEALTHY to SUSPECT, ...), with the evidence. */
    STATE_CHANGE("state-change"),
    /** A failover began, a step started or finished, or the failover ended. */
    FAILOVER_STEP("failover-step"),
    /** An alert was raised. */
    ALERT("alert"),
    /** One channel's delivery outcome for an alert: delivered, failed or dropped, with attempts and error. */
    ALERT_DELIVERY("alert-delivery"),
    /** A person did something: {@code vakt promote}, an approval, a manual override. */
    OPERATOR_ACTION("operator-action"),
    /** The cluster epoch (fencing token) moved to a new value. */
    EPOCH("epoch"),
    /** A traffic entry (DNS record, balancer) was pointed at a node: start, outcome, time to visible. */
    TRAFFIC("traffic"),
    /** A war-game drill ended; details: rto_ms, rpo_rows, rpo_ms, passed, fault, report_dir (see no.vakt.drill). */
    DRILL("drill"),
    /** A restore drill ended; details: passed, restore_ms, data_age_ms, backup_id, tables, report_dir (see no.vakt.drill.RestoreDrill). */
    RESTORE_DRILL("restore-drill"),
    /** File sync changed direction (source and target node), or paused until a rejoin. */
    FILE_SYNC("file-sync"),
    /** Maintenance mode: automatic failover paused (until, reason, by, token_role) or resumed (see no.vakt.maintenance). */
    MAINTENANCE("maintenance"),
    /** A warmup refresh of the standby's buffer pool: warmth, pages read, cost (see no.vakt.warmup). */
    WARMUP("warmup");

    private final String label;

    EventKind(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    public static EventKind fromLabel(String label) {
        return Labels.from(EventKind.class, EventKind::label, label, "event kind");
    }
}
