package no.vakt.check;

/** How much a finding matters; any {@link #ERROR} makes the pair not ready. */
public enum Severity {
    /** Checked and fine. */
    OK,
    /** Worth knowing; nothing to fix. */
    INFO,
    /** Ready, but weaker than it should be (more data loss, slower failover, or a risk on the way back). */
    WARNING,
    /** Not ready: a failover now would fail or lose data beyond the objectives. */
    ERROR
}
