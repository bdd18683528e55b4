package no.vakt.detect;

import no.vakt.config.Node;

/**
 * Which node is the primary right now, read from the servers (writable and replicating from nobody),
 * not from the config: after a failover the config's roles are stale.
 */
public record LiveRoles(Node primary, Node standby) {
    @Override
    public String toString() {
        return "primary " + primary.name() + ", standby " + standby.name();
    }
}
