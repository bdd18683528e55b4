package no.vakt.detect;

import java.time.Duration;
import no.vakt.config.Checks;

/**
 * @param failures consecutive failed probes before the monitor considers the primary lost
 * @param standbyBound how long the standby may hear nothing from the primary before its silence counts
 *     as confirmation
 */
public record DetectorConfig(int failures, Duration standbyBound) {
    /** The floor of the standby bound: short intervals must not read a stall or GC pause as death. */
    public static final Duration MIN_STANDBY_BOUND = Duration.ofSeconds(2);

    public DetectorConfig {
        if (failures < 1) throw new IllegalArgumentException("failures must be at least 1, got " + failures);
        if (standbyBound == null || standbyBound.isNegative() || standbyBound.isZero()) {
            throw new IllegalArgumentException("the standby bound must be positive");
        }
    }

    /**
     * The standby bound is {@code max(3 x interval, 2 s)}. The receive age is sampled once per probe
     * interval, so a live primary can look up to one interval (plus its replication heartbeat period,
     * which should be at most one interval) older than it is: three intervals leave a full interval of
     * margin. The 2 s floor keeps sub-second intervals from reading an fsync stall or a GC pause on
     * either side as a dead primary.
     */
    public static DetectorConfig from(Checks checks) {
        Duration three = checks.interval().multipliedBy(3);
        return new DetectorConfig(checks.failures(), three.compareTo(MIN_STANDBY_BOUND) > 0 ? three : MIN_STANDBY_BOUND);
    }
}
