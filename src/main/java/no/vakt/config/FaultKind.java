package no.vakt.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a drill breaks. */
public enum FaultKind {
    /** SIGKILL of the primary's mariadbd: a crash, unflushed state lost. */
    KILL_DB("kill-db", true, false),
    /** A clean shutdown of the primary's database (SHUTDOWN). */
    STOP_DB("stop-db", true, false),
    /** iptables DROP of the primary's database and web ports (the seeds' war game). */
    BLOCK_PORTS("block-ports", true, true),
    /** Only the monitor loses the primary: the standby still sees it. Expected: NO failover. */
    PARTITION_MONITOR("partition-monitor", false, true),
    /** The primary's site is cut off from everyone. */
    ISOLATE_PRIMARY("isolate-primary", true, true);

    private final String label;
    private final boolean failoverExpected;
    private final boolean needsNetns;

    FaultKind(String label, boolean failoverExpected, boolean needsNetns) {
        this.label = label;
        this.failoverExpected = failoverExpected;
        this.needsNetns = needsNetns;
    }

    public String label() {
        return label;
    }

    /** Whether a correct Vakt fails over under this fault (partition-monitor: it must not). */
    public boolean failoverExpected() {
        return failoverExpected;
    }

    /** Whether the fault is made with network namespaces and iptables (the lab with --netns, root). */
    public boolean needsNetns() {
        return needsNetns;
    }

    public static String labels() {
        return Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", "));
    }

    /** The kind for a label; an unknown one throws with the kinds there are. */
    public static FaultKind parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.label.equals(t)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fault kind '" + text + "'; expected one of: " + labels()));
    }

    @Override
    public String toString() {
        return label;
    }
}
