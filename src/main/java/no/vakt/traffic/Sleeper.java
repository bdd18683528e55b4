package no.vakt.traffic;

import java.time.Duration;

/** Waits between attempts; injected so tests never wait for real time. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
