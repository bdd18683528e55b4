package no.vakt.testing;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code vakt run} in-process on its own thread, as an operator starts it, until the test has seen what it
 * waits for: no fixed {@code --duration} to sit out. {@link #close()} interrupts it (the daemon then closes
 * its server and monitor as on SIGTERM) and waits for it to end.
 */
public final class RunningDaemon implements AutoCloseable {
    /** What the interrupted command prints, and nothing else, when it stopped cleanly. */
    public static final String STOPPED = "vakt: InterruptedException" + System.lineSeparator();

    private final Path config;
    private final Thread thread;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicReference<Cli> result = new AtomicReference<>();

    private RunningDaemon(Path config) {
        this.config = config;
        thread = new Thread(() -> result.set(Cli.run(out, err, "run", "--config", config.toString(), "--duration", "5m")),
                "test-vakt-run");
        thread.setDaemon(true);
    }

    public static RunningDaemon start(Path config) {
        RunningDaemon d = new RunningDaemon(config);
        d.thread.start();
        return d;
    }

    /** What vakt run printed; null while it runs. */
    public Cli result() {
        return result.get();
    }

    /** What it has printed so far, while it runs. */
    public String output() {
        return out.toString();
    }

    /**
     * Stops it and returns what it printed. Fails unless it was still running (a run that ended by itself
     * failed), stopped in time and printed no error but the interruption: what exit code 0 at the end of a
     * {@code --duration} proved.
     */
    public Cli stop() {
        boolean wasRunning = thread.isAlive();
        close();
        Cli r = result.get();
        if (!wasRunning || r == null || !STOPPED.equals(r.err())) {
            throw new AssertionError((wasRunning ? "vakt run did not stop cleanly: " : "vakt run ended before it was stopped: ")
                    + (r == null ? "still running" : "exit " + r.exitCode() + "\n" + r.out() + r.err()));
        }
        return r;
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
        // In the test's report, for when an assertion on what it did fails.
        System.out.println("$ vakt run (" + config + ")\n" + out + err);
    }
}
