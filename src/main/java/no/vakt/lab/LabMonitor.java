package no.vakt.lab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import no.vakt.http.BoundedHttp;
import no.vakt.process.Daemons;

/**
 * {@code vakt run} on the lab as a background process, so the dashboard stays up after {@code vakt demo}
 * returns. Its pid is kept in the lab directory; {@code vakt lab down} stops it (SIGTERM: it delivers
 * queued alerts and closes the journal first).
 */
public final class LabMonitor {
    /** The dashboard answers within a second or two of start; this bounds a start that went wrong. */
    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);

    private final Path pidFile;
    private final Path logFile;
    private final List<String> launcher;
    private final List<String> extraArgs;

    public LabMonitor(LabLayout layout) {
        this(layout.dir().resolve("run.pid"), layout.dir().resolve("run.log"), List.of(), List.of());
    }

    /** A {@code vakt run} started through {@code launcher} (a namespace's) with {@code extraArgs} (an agent's journal). */
    LabMonitor(Path pidFile, Path logFile, List<String> launcher, List<String> extraArgs) {
        this.pidFile = pidFile;
        this.logFile = logFile;
        this.launcher = List.copyOf(launcher);
        this.extraArgs = List.copyOf(extraArgs);
    }

    public Path pidFile() {
        return pidFile;
    }

    public Path logFile() {
        return logFile;
    }

    /** The running monitor, if its pid file names a live {@code vakt run} process. */
    public Optional<ProcessHandle> running() {
        return Daemons.fromPidFile(pidFile(), c -> c.endsWith("java"), false);
    }

    /**
     * Starts {@code vakt run} on {@code config} with this JVM's classpath (the jar when run through
     * {@code ./vakt}) unless one runs, then waits until {@code dashboard} answers. Returns the pid.
     */
    public long start(Path config, URI dashboard) throws IOException, InterruptedException {
        Optional<ProcessHandle> existing = running();
        if (existing.isPresent()) return existing.get().pid();
        ProcessHandle p = launch(config);
        awaitDashboard(p, dashboard);
        return p.pid();
    }

    /** Starts {@code vakt run} without waiting (the agents start together); the running one when there is one. */
    ProcessHandle launch(Path config) throws IOException {
        Optional<ProcessHandle> existing = running();
        if (existing.isPresent()) return existing.get();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(launcher);
        cmd.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), "no.vakt.cli.Main",
                "run", "--config", config.toAbsolutePath().toString()));
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Files.writeString(pidFile(), p.pid() + "\n");
        return p.toHandle();
    }

    /** Waits (bounded) until {@code dashboard} answers /api/status; throws when {@code p} exits first. */
    void awaitDashboard(ProcessHandle p, URI dashboard) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long until = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < until) {
            if (!p.isAlive()) {
                throw new IOException("vakt run exited; see " + logFile() + ":\n" + String.join("\n", Daemons.tail(logFile(), 5)));
            }
            try {
                HttpResponse<Void> r = BoundedHttp.send(http, HttpRequest.newBuilder(dashboard.resolve("/api/status"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding(), Duration.ofSeconds(2));
                // 401: it answers, but reads from another address (an agent's in its namespace) need the token.
                if (r.statusCode() == 200 || r.statusCode() == 401) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("the dashboard did not answer at " + dashboard + " within " + START_LIMIT.toSeconds()
                + " s; vakt run keeps monitoring (pid " + p.pid() + "), see " + logFile());
    }

    /** Stops the background monitor, if any; true when one was stopped. */
    public boolean stop() throws IOException {
        Optional<ProcessHandle> p = running();
        p.ifPresent(h -> Daemons.stop(h, STOP_LIMIT));
        Files.deleteIfExists(pidFile());
        return p.isPresent();
    }
}
