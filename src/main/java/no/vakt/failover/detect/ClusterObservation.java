package no.vakt.failover.detect;

import java.time.Instant;

/** Everything the detector needs from one monitor tick: the primary probe and the standby's view. */
public record ClusterObservation(Instant at, PrimaryProbe primary, StandbyProbe standby) {}
