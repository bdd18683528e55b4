package no.vakt.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import no.vakt.config.FaultKind;

/**
 * Whether a drill may start (pure): the refusals that come before anything is touched. The preflight
 * comes after these, because it writes a canary row.
 */
public final class DrillGate {
    private DrillGate() {}

    /**
     * What the gate looks at.
     *
     * @param faultText the --fault value as typed
     * @param productionConfirmed --yes-this-is-production, or a scheduled drill with drills.allow-production
     * @param netnsAvailable whether the lab's sites run in network namespaces this process can change (root)
     * @param unfinishedFailover a failover still marked running in the journal, described; null when none
     * @param lastFailoverEnd when the last completed failover (or switchover) ended; null when never
     */
    public record Input(String faultText, boolean production, boolean productionConfirmed,
            boolean netnsAvailable, String unfinishedFailover, Instant lastFailoverEnd, Duration cooldown, Instant now,
            boolean automaticFailover) {}

    /** Empty when the drill may go on; else the refusal, in a sentence that says what to do. */
    public static Optional<String> refusal(Input in) {
        FaultKind kind;
        try {
            kind = FaultKind.parse(in.faultText());
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (in.production() && !in.productionConfirmed()) {
            return Optional.of("this cluster is marked production: true; a drill really breaks the primary."
                    + " Run it on a staging copy, or add --yes-this-is-production when the business agreed");
        }
        if (in.unfinishedFailover() != null) {
            return Optional.of("a failover is in progress (" + in.unfinishedFailover() + "); wait for it to end"
                    + " (vakt history), or restart vakt run so it finishes or safely stops it");
        }
        if (in.lastFailoverEnd() != null) {
            Instant until = in.lastFailoverEnd().plus(in.cooldown());
            if (in.now().isBefore(until)) {
                return Optional.of("the failover cooldown is active until " + until + " (policy.cooldown "
                        + Durations.text(in.cooldown()) + " after the failover that ended " + in.lastFailoverEnd()
                        + "): the monitor would refuse to fail over, so the drill would measure nothing. Try again after "
                        + until);
            }
        }
        if (!in.automaticFailover()) {
            return Optional.of("policy.failover is not automatic: a drill measures the automatic failover;"
                    + " set policy.failover: automatic (on a staging or lab cluster)");
        }
        if (kind.needsNetns() && !in.netnsAvailable()) {
            return Optional.of(kind.label() + " needs the sites in network namespaces: run as root with"
                    + " `vakt lab up --netns`; without them use --fault kill-db or --fault stop-db");
        }
        return Optional.empty();
    }

    /** Durations as the config writes them, for messages. */
    static final class Durations {
        private Durations() {}

        static String text(Duration d) {
            long ms = d.toMillis();
            if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
            if (ms % 60_000 == 0) return ms / 60_000 + "m";
            if (ms % 1000 == 0) return ms / 1000 + "s";
            return ms + "ms";
        }
    }
}
