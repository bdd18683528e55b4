package no.vakt.drill;

import java.time.Duration;

/**
 * What fails over during the drill: Vakt's own monitor, never the drill. Either one the drill runs in
 * its own process for the drill's length ({@link InProcessMonitor}), or a {@code vakt run} already
 * running elsewhere ({@link ExternalMonitor}) that the drill only watches through the journal.
 */
public interface FailoverMonitor extends AutoCloseable {
    String describe();

    /** Starts watching; returns once the monitor sees a healthy primary, or throws after {@code max}. */
    void start(Duration max) throws Exception;

    @Override
    void close();
}
