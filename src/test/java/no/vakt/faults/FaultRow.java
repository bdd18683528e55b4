package no.vakt.faults;

import java.time.Duration;
import java.util.function.UnaryOperator;
import no.vakt.lab.LabSite;

/**
 * One row of the fault matrix: a fault, how to make it and undo it on a lab, and what a correct Vakt does
 * about it. {@link RowRunner} does the rest the same way for every row: load, sampling, recovery, figures.
 */
interface FaultRow {
    /** A short stable id, the matrix's command-line name for the row. */
    String id();

    /** The fault, in a few words, for the table. */
    String fault();

    /** Whether a correct Vakt fails over (false: it must not). */
    boolean failoverExpected();

    /** What a correct Vakt does, in a few words, for the table. */
    default String expected() {
        return failoverExpected() ? "failover; old primary comes back fenced" : "no failover; writes go on";
    }

    /** Whether the lab's config powers an old primary off in a failover ({@code vakt lab up --stonith}). */
    default boolean stonith() {
        return false;
    }

    /** Whether the row needs the lab's network namespaces (root). */
    default boolean needsNetns() {
        return false;
    }

    /** Whether the row needs root for something else (a mount). */
    default boolean needsRoot() {
        return needsNetns();
    }

    /** Changes to the lab's generated config. */
    default UnaryOperator<String> configEdit() {
        return UnaryOperator.identity();
    }

    /** Runs on the fresh lab before the monitor and the load start (a small disk under the standby's uploads). */
    default void prepare(FaultLab lab) throws Exception {}

    /** Runs once the load is steady, before the fault: what state the pair is in when the fault hits. */
    default void beforeFault(FaultLab lab, LabSite primary, LabSite standby) throws Exception {}

    void inject(FaultLab lab, LabSite primary) throws Exception;

    /** Runs right after the fault is injected, while Vakt reacts to it (a second fault on Vakt itself). */
    default void afterInject(FaultLab lab, RowRunner.Notes notes) throws Exception {}

    /** How long a fault that calls for no failover is held (a failover row is held until it has failed over). */
    default Duration hold() {
        return Duration.ofSeconds(10);
    }

    void remove(FaultLab lab, LabSite primary) throws Exception;

    /** Whether recovery rejoins the old primary after a failover (a switchover leaves it a replica already). */
    default boolean rejoinAfter() {
        return true;
    }

    /** The row's own checks after recovery, added to the matrix's invariants. */
    default void verify(FaultLab lab, Application app, java.util.List<String> violations, RowRunner.Notes notes)
            throws Exception {}

    /** Undoes what {@link #prepare} did to the machine (mounts), before the lab is purged; also after a failure. */
    default void cleanup(FaultLab lab) {}
}
