package no.vakt.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last {@link #WINDOW} of monitor ticks, for the dashboard's lag graph. Thread-safe: the monitor's
 * thread adds, HTTP threads read.
 */
public final class LagHistory {
    /** What the dashboard graphs. */
    public static final Duration WINDOW = Duration.ofMinutes(15);
    /**
     * The monitor ticks at most every 100 ms (the config's lowest checks.interval), so 15 minutes hold at
     * most 9000 samples; the cap keeps memory bounded even if ticks came faster.
     */
    static final int MAX_SAMPLES = 9_000;

    private final Duration window;
    private final int maxSamples;
    private final ArrayDeque<LagSample> samples = new ArrayDeque<>();

    public LagHistory() {
        this(WINDOW, MAX_SAMPLES);
    }

    LagHistory(Duration window, int maxSamples) {
        this.window = window;
        this.maxSamples = maxSamples;
    }

    public synchronized void add(LagSample s) {
        samples.addLast(s);
        Instant oldest = s.at().minus(window);
        while (!samples.isEmpty() && (samples.size() > maxSamples || samples.peekFirst().at().isBefore(oldest))) {
            samples.removeFirst();
        }
    }

    /** Samples not older than {@code span} before the newest one, oldest first. */
    public synchronized List<LagSample> last(Duration span) {
        if (samples.isEmpty()) return List.of();
        Instant from = samples.peekLast().at().minus(span);
        List<LagSample> out = new ArrayList<>();
        for (LagSample s : samples) {
            if (!s.at().isBefore(from)) out.add(s);
        }
        return out;
    }

    public synchronized Optional<LagSample> latest() {
        return Optional.ofNullable(samples.peekLast());
    }

    public synchronized int size() {
        return samples.size();
    }
}
