package no.vakt.failover.detect;

import java.util.Optional;

/**
 * Decides, tick by tick, whether the primary is down. Pure: it keeps only the consecutive-failure
 * count and the current state, and reports a {@link Transition} only when the state changes.
 *
 * <p>Two witnesses must agree before {@link PrimaryHealth#DOWN}: the monitor (its own probes) and the
 * standby (its replication link). The standby <em>still sees the primary</em> when its IO thread is
 * running and, where the receive age is known, something arrived within the bound. It <em>lost the
 * primary</em> when the IO thread is reconnecting, stopped with an error, or silent past the bound.
 * It is <em>no witness</em> when unreachable or when replication was stopped without an error (stopped
 * by hand or never configured).
 *
 * <p>The age of the {@code vakt.heartbeat} row is deliberately not a confirmation: the monitor itself
 * writes that row, so when only the monitor is cut off from the primary the row ages on the standby
 * too, and using it would turn a monitor-side partition into a failover. Confirmation by silence
 * therefore relies on the IO thread's receive age (binlog or replication heartbeat events, which the
 * primary sends by itself); the replication heartbeat period must be well below the standby bound.
 *
 * <p>DOWN, once confirmed, survives the standby's replication being stopped without an error while the
 * monitor's probes keep failing: that is what a failover attempt that aborted before the promotion leaves
 * behind (its STOP SLAVE), and it says nothing about the primary being back; the monitor retries the
 * failover then. An unreachable standby still turns DOWN into UNKNOWN.
 *
 * <p>One successful probe resets the count and the state to {@link PrimaryHealth#HEALTHY}, so a
 * flapping primary (ok, fail, ok, fail, ...) never reaches the failure threshold. Not thread-safe: one
 * monitor loop owns it.
 */
public final class Detector {
    /** Caps the counter so a primary dead for years cannot overflow it. */
    private static final int MAX_COUNT = 1_000_000;

    private final DetectorConfig config;
    private PrimaryHealth state = PrimaryHealth.UNKNOWN;
    private int consecutiveFailures;
    private String lastEvidence = "no observation yet";

    public Detector(DetectorConfig config) {
        this.config = config;
    }

    public PrimaryHealth state() {
        return state;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** The evidence of the latest observation, whether or not it changed the state. */
    public String lastEvidence() {
        return lastEvidence;
    }

    public Optional<Transition> observe(ClusterObservation obs) {
        PrimaryHealth next;
        String standbyText = describe(obs.standby());
        if (obs.primary().ok()) {
            consecutiveFailures = 0;
            next = PrimaryHealth.HEALTHY;
            lastEvidence = "monitor: probe ok; " + standbyText;
        } else {
            consecutiveFailures = Math.min(consecutiveFailures + 1, MAX_COUNT);
            String monitorText = "monitor: " + consecutiveFailures + "/" + config.failures()
                    + " consecutive probe failures (last: " + obs.primary().error() + ")";
            if (consecutiveFailures < config.failures()) {
                next = PrimaryHealth.SUSPECT;
                lastEvidence = monitorText + "; " + standbyText;
            } else {
                Witness w = witness(obs.standby());
                boolean stillDown = state == PrimaryHealth.DOWN && w == Witness.NO_WITNESS && stoppedWithoutError(obs.standby());
                next = switch (w) {
                    case SEES_PRIMARY -> PrimaryHealth.UNREACHABLE_FROM_MONITOR;
                    case LOST_PRIMARY -> PrimaryHealth.DOWN;
                    case NO_WITNESS -> stillDown ? PrimaryHealth.DOWN : PrimaryHealth.UNKNOWN;
                };
                lastEvidence = monitorText + "; " + standbyText + "; " + (stillDown ? STILL_DOWN : conclusion(next));
            }
        }
        if (next == state) return Optional.empty();
        Transition t = new Transition(obs.at(), state, next, consecutiveFailures, lastEvidence);
        state = next;
        return Optional.of(t);
    }

    private enum Witness { SEES_PRIMARY, LOST_PRIMARY, NO_WITNESS }

    static final String STILL_DOWN = "the standby's replication is stopped without an error, as a failover attempt"
            + " that stopped before the promotion leaves it: not evidence that the primary is back, still DOWN";

    /**
     * Reachable, replication stopped, no IO error: what STOP SLAVE leaves, by hand or by a failover attempt
     * that aborted before the promotion. Once both witnesses confirmed DOWN, this does not undo the verdict:
     * only the primary answering (or the standby receiving from it again) does.
     */
    private static boolean stoppedWithoutError(StandbyProbe s) {
        return s.reachable() && s.ioThread() == IoThreadState.NO && s.lastIoError().isBlank();
    }

    private Witness witness(StandbyProbe s) {
        if (!s.reachable()) return Witness.NO_WITNESS;
        switch (s.ioThread()) {
            case CONNECTING:
                return Witness.LOST_PRIMARY;
            case NO:
                return s.lastIoError().isBlank() ? Witness.NO_WITNESS : Witness.LOST_PRIMARY;
            default:
                return silentTooLong(s) ? Witness.LOST_PRIMARY : Witness.SEES_PRIMARY;
        }
    }

    private boolean silentTooLong(StandbyProbe s) {
        return s.receiveAgeMs() != null && s.receiveAgeMs() > config.standbyBound(s.heartbeatPeriod()).toMillis();
    }

    private String describe(StandbyProbe s) {
        if (!s.reachable()) return "standby: unreachable (" + s.error() + ")";
        StringBuilder b = new StringBuilder("standby: IO thread ").append(label(s.ioThread()));
        if (!s.lastIoError().isBlank()) b.append(", last IO error '").append(s.lastIoError()).append('\'');
        if (s.receiveAgeMs() != null) {
            b.append(", last received ").append(s.receiveAgeMs()).append(" ms ago (bound ")
                    .append(config.standbyBound(s.heartbeatPeriod()).toMillis()).append(" ms)");
        } else {
            b.append(", receive age unknown");
        }
        if (s.heartbeatLagMs() != null) b.append(", heartbeat row ").append(s.heartbeatLagMs()).append(" ms old");
        return b.toString();
    }

    private static String label(IoThreadState io) {
        return switch (io) {
            case YES -> "Yes";
            case CONNECTING -> "Connecting";
            case NO -> "No";
        };
    }

    private static String conclusion(PrimaryHealth h) {
        return switch (h) {
            case UNREACHABLE_FROM_MONITOR -> "the standby still receives from the primary: unreachable from the monitor only, no failover";
            case DOWN -> "the standby lost the primary too: primary down";
            case UNKNOWN -> "the standby cannot confirm: no failover on one witness";
            default -> "";
        };
    }
}
