package no.vakt.journal;

import java.time.Instant;
import java.util.Optional;

/**
 * The process that runs (or ran) a failover, as its journal row names it: crash recovery adopts a running
 * failover only when this process is gone.
 *
 * @param started when that process started (with host and pid it names one process, whatever pids are reused)
 */
public record FailoverOwner(String host, long pid, Instant started) {
    /** This process. */
    public static FailoverOwner current() {
        ClusterLock.Holder me = ClusterLock.self("");
        return new FailoverOwner(me.host(), me.pid(), me.started());
    }

    /** Whether this is the calling process. */
    public boolean isCurrent() {
        FailoverOwner me = current();
        return me.host().equals(host) && me.pid() == pid;
    }

    /** Still running: true or false on this host; empty (unknown) for a process on another host. */
    public Optional<Boolean> alive() {
        return ClusterLock.alive(host, pid, started);
    }

    public String describe() {
        return "pid " + pid + " on " + host + (started == null ? "" : " (started " + started + ")");
    }
}
