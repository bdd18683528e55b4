package no.vakt.failover;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import no.vakt.lab.MariaDbServer;

/**
 * A black-holed server without root: SIGSTOP of a test server's mariadbd. Its kernel still completes TCP
 * handshakes (while the listen backlog lasts) but nothing ever answers, so every connect waits out its
 * timeout, as against a host behind an iptables DROP or a paused VM; a standby replicating from it keeps
 * its IO thread "Yes" and only stops receiving, as in the lab's block-ports drill. Nothing is refused, which
 * is what a kill -9 would do. {@link #close()} resumes it (SIGCONT); a SIGKILL (the pair's close) also
 * ends a frozen server.
 */
public final class FrozenServer implements AutoCloseable {
    /** kill(1) returns at once; a bound so a wedged process table cannot hang a test. */
    private static final long KILL_WAIT_SECONDS = 10;

    private final long pid;

    private FrozenServer(long pid) {
        this.pid = pid;
    }

    public static FrozenServer freeze(MariaDbServer server) throws IOException, InterruptedException {
        long pid = server.pid().orElseThrow(() -> new IllegalStateException(server.name() + " has no pid"));
        signal("-STOP", pid);
        return new FrozenServer(pid);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        signal("-CONT", pid);
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        if (!p.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("kill " + signal + " " + pid + " failed");
        }
    }
}
