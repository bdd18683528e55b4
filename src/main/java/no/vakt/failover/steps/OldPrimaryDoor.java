package no.vakt.failover.steps;

import no.vakt.failover.plan.StepContext;

/**
 * Where PROMOTE_STANDBY hands an old primary that gave it no answer once the standby is writable: the door
 * fence of {@code vakt run}, which then waits at it and sets read_only=ON the moment it answers. From this
 * moment on an old primary that comes back (SIGCONT, a healed network, a restart with read_only=OFF) would be
 * a second writable primary; the monitor's own policy only arms the fence a tick after the failover ends,
 * and a fault healed in between found nobody at the door (block-ports: 86 ms of two writable primaries).
 * Not before the promotion: until then the old primary is the rightful primary, and a failover that stops
 * there leaves it serving (a failover's abort lifts nothing, so a fence landed early would leave the cluster
 * without a writable node). Implementations must not block.
 */
@FunctionalInterface
public interface OldPrimaryDoor {
    /** Nobody waits: a promotion run without {@code vakt run} (a test, crash recovery in a command). */
    OldPrimaryDoor NONE = ctx -> { };

    /** {@code ctx.toNode()} is writable now and {@code ctx.fromNode()} did not answer: fence it when it does. */
    void promotedPastSilentOldPrimary(StepContext ctx);
}
