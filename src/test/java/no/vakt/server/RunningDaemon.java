package no.vakt.server;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.testing.Cli;

/**
 * {@code vakt run} in-process on its own thread, as an operator starts it. {@link #close()} interrupts it
 * (the daemon then closes its server and monitor as on SIGTERM) and waits for it to end.
 */
final class RunningDaemon implements AutoCloseable {
    private final Thread thread;
    private final AtomicReference<Cli> result = new AtomicReference<>();

    private RunningDaemon(Path config) {
        thread = new Thread(() -> result.set(Cli.run("run", "--config", config.toString(), "--duration", "5m")),
                "test-vakt-run");
        thread.setDaemon(true);
    }

    static RunningDaemon start(Path config) {
        RunningDaemon d = new RunningDaemon(config);
        d.thread.start();
        return d;
    }

    /** What vakt run printed; null while it runs. */
    Cli result() {
        return result.get();
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            // Closing waits for the current tick (bounded by the probe deadlines) and the HTTP threads.
            thread.join(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
