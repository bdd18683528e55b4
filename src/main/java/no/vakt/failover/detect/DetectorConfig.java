package no.vakt.failover.detect;

import java.time.Duration;
import no.vakt.config.Checks;

/**
 * @param failures consecutive failed probes before the monitor considers the primary lost
 * @param standbyBound how long the standby may hear nothing from the primary before its silence counts
 *     as confirmation, when its replication heartbeat period is not known (and the most it ever is)
 * @param interval the check interval (the receive age is sampled once per interval), null when not known:
 *     then {@code standbyBound} applies whatever the heartbeat period
 */
public record DetectorConfig(int failures, Duration standbyBound, Duration interval) {
    /** The floor of the standby bound: short intervals must not read a stall or GC pause as death. */
    public static final Duration MIN_STANDBY_BOUND = Duration.ofSeconds(2);
    /**
     * The floor of the bound when the heartbeat period is known: a live primary then sends something at
     * least every period, so silence for 1.5 s is several periods missed in a row at the period vakt
     * replicate sets (250 ms), while the monitor's own probes have failed as well.
     */
    public static final Duration MIN_KNOWN_PERIOD_BOUND = Duration.ofMillis(1500);

    public DetectorConfig {
        if (failures < 1) throw new IllegalArgumentException("failures must be at least 1, got " + failures);
        if (standbyBound == null || standbyBound.isNegative() || standbyBound.isZero()) {
            throw new IllegalArgumentException("the standby bound must be positive");
        }
    }

    /** A fixed standby bound, whatever the heartbeat period. */
    public DetectorConfig(int failures, Duration standbyBound) {
        this(failures, standbyBound, null);
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
        return new DetectorConfig(checks.failures(), three.compareTo(MIN_STANDBY_BOUND) > 0 ? three : MIN_STANDBY_BOUND,
                checks.interval());
    }

    /**
     * The bound for a standby whose replication heartbeat period is {@code period}: {@code interval + 2 x
     * period}, at least {@link #MIN_KNOWN_PERIOD_BOUND}, at most {@link #standbyBound()}. A live primary sends
     * at least once per period, and the age is sampled once per interval, so a live primary looks at most
     * about one interval plus one period old; one more period is the margin. With the defaults (1 s interval)
     * and vakt replicate's 250 ms period that is 1.5 s instead of 3 s: a black-holed primary is confirmed at
     * the monitor's third failed probe instead of one or two intervals later. A longer period (1 s, older
     * setups) keeps the old bound.
     */
    public Duration standbyBound(Duration period) {
        if (period == null || period.isZero() || period.isNegative() || interval == null) return standbyBound;
        Duration b = interval.plus(period.multipliedBy(2));
        if (b.compareTo(MIN_KNOWN_PERIOD_BOUND) < 0) b = MIN_KNOWN_PERIOD_BOUND;
        return b.compareTo(standbyBound) < 0 ? b : standbyBound;
    }
}
