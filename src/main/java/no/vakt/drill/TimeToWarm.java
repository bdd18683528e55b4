package no.vakt.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "Time to warm", decided from timed read samples, pure: from the promotion until the service's read latency is
 * back within {@link #FACTOR} times its p99 before the fault. Back means {@link #STEADY} one-second windows in a
 * row, each with reads, none failed and a p99 within the bound: one quiet second on a loaded machine proves
 * nothing, and a cold buffer pool shows as slow seconds after it.
 *
 * @param outcome what was found
 * @param after promotion to the start of the first steady window (WARM), else null
 * @param baselineP99Ms the service's read p99 before the fault, ms; null without enough reads
 * @param windowS how long after the promotion it was watched, at most
 */
public record TimeToWarm(Outcome outcome, Duration after, Double baselineP99Ms, long windowS) {
    /** Latency bound as a multiple of the pre-fault p99. */
    public static final double FACTOR = 1.5;
    /** Windows in a row within the bound that make "warm". */
    public static final int STEADY = 3;
    /** Reads before the fault, at least, for a p99 that means something. */
    public static final int MIN_BASELINE = 20;

    public enum Outcome {
        /** Back within the bound {@code after} the promotion. */
        WARM,
        /** Not back within the bound in the whole window. */
        NOT_WARM_WITHIN,
        /** Too few reads before the fault to know what normal is. */
        NO_BASELINE,
        /** No promotion happened: nothing to warm. */
        NO_PROMOTION
    }

    /** One read through the service: when it started, how long it took, whether it answered. */
    public record Sample(Instant at, Duration latency, boolean ok) {}

    public static TimeToWarm noPromotion() {
        return new TimeToWarm(Outcome.NO_PROMOTION, null, null, 0);
    }

    /**
     * The verdict once it is known: WARM as soon as {@link #STEADY} windows in a row are within the bound,
     * NOT_WARM_WITHIN once {@code now} is past the window without that; empty while it is still open.
     */
    public static Optional<TimeToWarm> decide(List<Sample> samples, Instant faultAt, Instant promotedAt, Instant now,
            Duration window) {
        List<Long> before = new ArrayList<>();
        for (Sample s : samples) if (s.ok() && s.at().isBefore(faultAt)) before.add(s.latency().toNanos());
        long windowS = window.toSeconds();
        if (before.size() < MIN_BASELINE) return Optional.of(new TimeToWarm(Outcome.NO_BASELINE, null, null, windowS));
        long baseline = p99(before);
        Double baselineMs = baseline / 1e6;
        int good = 0;
        for (long i = 0; i < windowS; i++) {
            Instant from = promotedAt.plusSeconds(i);
            Instant to = from.plusSeconds(1);
            if (now.isBefore(to)) break; // a window still filling decides nothing
            if (within(samples, from, to, FACTOR * baseline)) {
                if (++good == STEADY) {
                    return Optional.of(new TimeToWarm(Outcome.WARM, Duration.ofSeconds(i + 1 - STEADY), baselineMs, windowS));
                }
            } else {
                good = 0;
            }
        }
        if (!now.isBefore(promotedAt.plus(window))) {
            return Optional.of(new TimeToWarm(Outcome.NOT_WARM_WITHIN, null, baselineMs, windowS));
        }
        return Optional.empty();
    }

    private static boolean within(List<Sample> samples, Instant from, Instant to, double boundNanos) {
        List<Long> in = new ArrayList<>();
        for (Sample s : samples) {
            if (s.at().isBefore(from) || !s.at().isBefore(to)) continue;
            if (!s.ok()) return false;
            in.add(s.latency().toNanos());
        }
        return !in.isEmpty() && p99(in) <= boundNanos;
    }

    /** Nearest-rank p99. */
    static long p99(List<Long> values) {
        List<Long> v = new ArrayList<>(values);
        v.sort(null);
        return v.get((int) Math.ceil(0.99 * v.size()) - 1);
    }

    /** One line for the report. */
    public String describe() {
        return switch (outcome) {
            case WARM -> after.toSeconds() + " s (reads back within " + FACTOR + "x the p99 before the fault, "
                    + String.format(java.util.Locale.ROOT, "%.1f ms", baselineP99Ms) + ", for " + STEADY + " s in a row)";
            case NOT_WARM_WITHIN -> "NOT warm within " + windowS + " s (reads above " + FACTOR + "x the p99 before the fault, "
                    + String.format(java.util.Locale.ROOT, "%.1f ms", baselineP99Ms) + ")";
            case NO_BASELINE -> "unknown: fewer than " + MIN_BASELINE + " reads before the fault";
            case NO_PROMOTION -> "n/a (no promotion)";
        };
    }
}
