package no.vakt.status;

/**
 * The words for a primary that is up but read-only: every node's my.cnf says read_only=ON, so a restarted
 * primary comes back so until Vakt opens it. One text for {@code vakt status}, {@code vakt check}, the
 * dashboard and the monitor's alerts.
 */
public final class ReadOnlyPrimary {
    /** When Vakt opens it (see no.vakt.failover.PrimaryOpenPolicy, which decides). */
    public static final String WHEN = "vakt run opens it when it restarted read-only and is the settled primary (its"
            + " epoch is the cluster's), the other node is read-only, no failover or switchover runs and the cluster is"
            + " not paused";

    private ReadOnlyPrimary() {}

    /** What to do about {@code node}, the read-only node that replicates from nobody while the other follows it or idles. */
    public static String advice(String node) {
        return node + " is read-only and replicates from nobody, as every node starts after a restart: " + WHEN
                + ". Without vakt run running: start it (vakt run), or if " + node + " is the rightful primary, on "
                + node + ": SET GLOBAL read_only = OFF";
    }
}
