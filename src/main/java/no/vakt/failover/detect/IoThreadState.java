package no.vakt.failover.detect;

/** The standby's replica IO thread as SHOW SLAVE STATUS reports it ({@code Slave_IO_Running}). */
public enum IoThreadState {
    /** Connected to the primary and reading its binlog. */
    YES,
    /** Trying to (re)connect to the primary: it lost the primary. */
    CONNECTING,
    /** Not running: stopped by hand, never configured, or gave up with an error. */
    NO;

    /** Parses {@code Slave_IO_Running}; null or empty (no replication configured) is {@code NO}. */
    public static IoThreadState parse(String value) {
        if (value == null) return NO;
        String v = value.trim();
        if (v.equalsIgnoreCase("Yes")) return YES;
        // MariaDB reports "Preparing" briefly while the thread starts: it has no connection yet.
        if (v.equalsIgnoreCase("Connecting") || v.equalsIgnoreCase("Preparing")) return CONNECTING;
        return NO;
    }
}
