package no.vakt.cluster;

import java.time.Duration;

/** Waits between delivery attempts; injected so tests never wait for real time. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()));

    void sleep(Duration d) throws InterruptedException;
}
