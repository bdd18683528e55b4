package no.vakt.failover.plan;

import java.util.Objects;
import no.vakt.journal.FailoverRecord;

/**
 * What crash recovery sees after a restart.
 *
 * @param failover the failover the journal still shows as running, with its steps
 * @param oldPrimary the failover's {@code from} node as observed now
 * @param target the failover's {@code to} node as observed now
 * @param journalEpoch the journal's current epoch
 */
public record RecoveryInput(FailoverRecord failover, NodeView oldPrimary, NodeView target, long journalEpoch) {
    public RecoveryInput {
        Objects.requireNonNull(failover, "failover");
        if (!failover.fromNode().equals(oldPrimary.name()) || !failover.toNode().equals(target.name())) {
            throw new IllegalArgumentException("the observed nodes " + oldPrimary.name() + "/" + target.name()
                    + " are not the failover's " + failover.fromNode() + "/" + failover.toNode());
        }
    }
}
