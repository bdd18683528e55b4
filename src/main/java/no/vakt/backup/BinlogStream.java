package no.vakt.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.config.Node;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;
import no.vakt.replication.ClientDefaultsFile;
import no.vakt.replication.ClientToolTls;

/**
 * One long-lived {@code mariadb-binlog --read-from-remote-server --raw --stop-never} child, through the one
 * process runner, writing the primary's binlogs byte for byte into a directory (a {@link SpooledStream}'s spool)
 * as the server writes them. It runs on a thread of its own until it fails, its deadline rolls it over, or
 * {@link #close} kills it; {@link ContinuousArchive} restarts it.
 */
final class BinlogStream implements AutoCloseable {
    /** The replica server id the stream registers with: unlike any server's, so the primary keeps both connections. */
    static final long SERVER_ID = 4_200_000_017L;

    /** How the child ended. */
    sealed interface End permits Failed, RolledOver {}

    record Failed(String why) implements End {}

    /** Its deadline passed (it is restarted from where it was): a stream stays bounded like every child. */
    record RolledOver() implements End {}

    private final String node;
    private final Thread thread;
    private final AtomicReference<End> end = new AtomicReference<>();

    private BinlogStream(String node, Thread thread) {
        this.node = node;
        this.thread = thread;
    }

    /** Starts streaming {@code primary}'s binlogs from {@code firstFile} into {@code dir}. */
    static BinlogStream start(Node primary, String password, String firstFile, Path dir, Duration deadline) {
        AtomicReference<BinlogStream> self = new AtomicReference<>();
        Thread t = new Thread(() -> self.get().run(primary, password, firstFile, dir, deadline), "vakt-binlog-stream-" + primary.name());
        t.setDaemon(true);
        BinlogStream s = new BinlogStream(primary.name(), t);
        self.set(s);
        t.start();
        return s;
    }

    private void run(Node primary, String password, String firstFile, Path dir, Duration deadline) {
        try (ClientDefaultsFile auth = ClientDefaultsFile.write(primary.mysql().user(), password)) {
            List<String> argv = new ArrayList<>(List.of(Programs.require("mariadb-binlog", "mariadb-client"), auth.argument()));
            argv.addAll(ClientToolTls.arguments(primary.mysql().tls()));
            argv.addAll(List.of("--host=" + primary.mysql().host(), "--port=" + primary.mysql().port(), "--protocol=TCP",
                    "--read-from-remote-server", "--raw", "--stop-never", "--stop-never-slave-server-id=" + SERVER_ID,
                    "--result-file=" + dir + "/", firstFile));
            BoundedProcess.Result r = BoundedProcess.run(BoundedProcess.Request.of(argv, deadline).mergingStderr());
            end.set(ended(r));
        } catch (InterruptedException e) {
            end.set(new Failed("stopped"));
        } catch (IOException | RuntimeException e) {
            end.set(new Failed("mariadb-binlog: " + e.getMessage()));
        }
    }

    private static End ended(BoundedProcess.Result r) {
        if (r instanceof BoundedProcess.TimedOut) return new RolledOver();
        if (r instanceof BoundedProcess.CouldNotStart c) return new Failed("mariadb-binlog could not start: " + c.cause().getMessage());
        BoundedProcess.Finished f = (BoundedProcess.Finished) r;
        return new Failed("mariadb-binlog ended (exit " + f.exitCode() + "): " + Tools.lastLines(f.stdout().tail()));
    }

    String node() {
        return node;
    }

    /** How it ended; null while it runs. */
    End end() {
        return end.get();
    }

    /** Kills the child (the runner kills its process tree on interruption) and waits for the thread. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
