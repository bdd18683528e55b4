package no.vakt.roles;

import java.util.Locale;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;

/**
 * The role a node plays right now, read from the server itself rather than from the config:
 * after a failover the two differ, and at 3 AM the live one is the truth.
 */
public enum LiveRole {
    /** Writable and replicating from nobody. */
    PRIMARY,
    /** Replicating from another server (or set up to and read-only, paused). */
    STANDBY,
    /** Read-only and replicating from nobody: a standby not yet set up, or a fenced old primary. */
    IDLE,
    /** Not reachable: nobody can tell. */
    UNKNOWN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LiveRole of(NodeState state) {
        if (!state.reachable()) return UNKNOWN;
        if (state.replica().isPresent() && isReplicating(state.replica().get(), state.readOnly())) return STANDBY;
        return state.readOnly() ? IDLE : PRIMARY;
    }

    /**
     * A replica row alone is not enough: a promoted node whose old channel was only stopped still
     * has one. It counts while a thread runs, while it fails (it is trying), or while read-only.
     */
    private static boolean isReplicating(ReplicaStatus r, boolean readOnly) {
        return r.ioThreadRunning() || r.sqlThreadRunning() || !r.lastError().isEmpty()
                || "Connecting".equalsIgnoreCase(r.ioRunning()) || readOnly;
    }
}
