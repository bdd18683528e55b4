package no.vakt.failover.detect;

import java.time.Duration;

/**
 * How many times one monitor tick probes a primary it suspects, and how far apart the probes start. Pure.
 *
 * <p>A healthy primary is probed once per tick. Once a probe failed by waiting out (at least half) its
 * timeout (SUSPECT: a black hole, a frozen host), the failures still missing are probed within the next
 * tick, each {@code spacing} after the previous one and each with the full {@code checks.timeout}, so they
 * overlap: the third failure of the defaults is known at {@code interval + spacing + timeout} after the
 * first failed probe started (2.25 s) instead of {@code 2 x interval + timeout} (3 s). The failed probes then
 * cover the primary's silence from the first one's start to the last one's end, 2.25 s, about what a refused
 * primary's three probes one interval apart cover (2 s): the timeout no longer stretches detection, and a
 * primary that refuses at once (kill -9, a restart) is still probed once per tick, its restart window
 * unchanged. What it takes to be DOWN does not change: {@code checks.failures} consecutive failed probes,
 * each on its own connection and started at its own time, and the standby's confirmation (sampled after the
 * last of them). A probe that answers ends the re-probing at once (one success resets the count).
 *
 * @param probes how many probes the tick starts (1 when not suspect)
 * @param spacing between the starts of two of them
 */
public record SuspectReprobe(int probes, Duration spacing) {
    /**
     * At most this many probes in one tick: with the defaults (3 failures) at most 2 are ever missing after
     * the first one, and 3 keeps a larger {@code failures} from filling the prober's threads (with the
     * standby's inspection, 4 of its 6).
     */
    public static final int MAX_PROBES = 3;
    /** The spacing is a quarter of the interval (250 ms at the default 1 s)... */
    static final int INTERVAL_FRACTION = 4;
    /**
     * ...but not under 50 ms: probes closer than that would not be separate looks at the primary (a short
     * stall fails all of them at once); such short intervals keep one probe per tick.
     */
    static final Duration MIN_SPACING = Duration.ofMillis(50);

    static final SuspectReprobe ONCE = new SuspectReprobe(1, Duration.ZERO);

    public SuspectReprobe {
        if (probes < 1) throw new IllegalArgumentException("probes must be at least 1, got " + probes);
    }

    /**
     * The probes of the next tick, given the detector's consecutive failures before it.
     *
     * @param consecutiveFailures {@link Detector#consecutiveFailures()}
     * @param config the detector's threshold
     * @param interval {@code checks.interval}
     * @param lastProbeTook how long the last probe took to fail (or succeed)
     * @param timeout {@code checks.timeout}
     */
    public static SuspectReprobe next(int consecutiveFailures, DetectorConfig config, Duration interval,
            Duration lastProbeTook, Duration timeout) {
        int missing = config.failures() - consecutiveFailures;
        if (consecutiveFailures < 1 || missing < 2) return ONCE;
        if (lastProbeTook.compareTo(timeout.dividedBy(2)) < 0) return ONCE; // refused at once: nothing waited
        Duration spacing = interval.dividedBy(INTERVAL_FRACTION);
        if (spacing.compareTo(MIN_SPACING) < 0) return ONCE;
        return new SuspectReprobe(Math.min(missing, MAX_PROBES), spacing);
    }
}
