package no.vakt.drill;

import java.time.Duration;

/** A {@code vakt run} in another process does the failover; the drill only watches (journal, servers). */
public final class ExternalMonitor implements FailoverMonitor {
    @Override
    public String describe() {
        return "the running vakt run (another process; its failover is read from the journal)";
    }

    @Override
    public void start(Duration max) {
        // Nothing to start: its fresh heartbeats were seen before the drill began.
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
