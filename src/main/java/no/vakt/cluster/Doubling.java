package no.vakt.cluster;

import java.time.Duration;

/** The exponential backoff every retry loop of Vakt uses: a first wait, doubled per failure, capped. */
public final class Doubling {
    private Doubling() {}

    /**
     * {@code first * 2^times}, at most {@code max}. 30 doublings pass any cap from a nanosecond up: a bound
     * on the loop, not a limit in practice.
     */
    public static Duration capped(Duration first, Duration max, int times) {
        Duration d = first;
        for (int i = 0; i < Math.min(times, 30) && d.compareTo(max) < 0; i++) d = d.multipliedBy(2);
        return d.compareTo(max) > 0 ? max : d;
    }
}
