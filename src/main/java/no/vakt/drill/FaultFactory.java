package no.vakt.drill;

import no.vakt.config.FaultKind;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;

/**
 * Makes the fault for a kind against the live primary. The default ({@link DefaultFaults}) crashes or
 * stops a local or ssh-reachable mariadbd; the network kinds come from the lab's network namespaces.
 */
public interface FaultFactory {
    /** Whether network faults (block-ports, partition-monitor, isolate-primary) can be made here. */
    boolean netnsAvailable();

    /** The fault; throws IllegalStateException, with what to do, when it cannot be made for this node. */
    Fault create(FaultKind kind, VaktConfig config, Node primary) throws Exception;
}
