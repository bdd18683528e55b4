package no.vakt.replication;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.vakt.config.MysqlEndpoint;
import no.vakt.process.Programs;

/**
 * Copies databases from the primary into the standby: {@code mariadb-dump --single-transaction
 * --master-data=2 --gtid} streamed through this JVM into the {@code mariadb} client, which runs with
 * sql_log_bin=0 so the load creates no GTID on the standby. Each connects with its node's TLS setting
 * ({@link ClientToolTls}). Returns the dump's GTID position, from
 * which the standby then replicates. Passwords go only into 0600 option files, deleted afterwards.
 */
public final class DumpSeeder {
    /** The Debian package of mariadb-dump and (through its dependency) mariadb. */
    private static final String CLIENT_PACKAGE = "mariadb-client";

    private final Clock clock;

    public DumpSeeder(Clock clock) {
        this.clock = clock;
    }

    public record Source(MysqlEndpoint endpoint, String password) {
        @Override
        public String toString() {
            return endpoint.toString();
        }
    }

    public String copy(Source from, Source to, List<String> databases, Duration timeout)
            throws IOException, InterruptedException, StepFailedException {
        try (ClientDefaultsFile dumpAuth = ClientDefaultsFile.write(from.endpoint().user(), from.password());
                ClientDefaultsFile loadAuth = ClientDefaultsFile.write(to.endpoint().user(), to.password())) {
            String dumpTool = Programs.require("mariadb-dump", CLIENT_PACKAGE);
            List<String> dump = new ArrayList<>(List.of(dumpTool, dumpAuth.argument()));
            dump.addAll(ClientToolTls.arguments(from.endpoint().tls()));
            dump.addAll(List.of("--host=" + from.endpoint().host(), "--port=" + from.endpoint().port(), "--protocol=TCP",
                    "--single-transaction", "--master-data=2", "--gtid", "--routines", "--events", "--triggers",
                    "--databases"));
            dump.addAll(databases);
            String loadTool = Programs.require("mariadb", CLIENT_PACKAGE);
            List<String> load = new ArrayList<>(List.of(loadTool, loadAuth.argument()));
            load.addAll(ClientToolTls.arguments(to.endpoint().tls()));
            load.addAll(List.of("--host=" + to.endpoint().host(), "--port=" + to.endpoint().port(), "--protocol=TCP",
                    "--init-command=SET SESSION sql_log_bin=0"));
            return stream(dump, load, timeout);
        }
    }

    private String stream(List<String> dumpCmd, List<String> loadCmd, Duration timeout)
            throws IOException, InterruptedException, StepFailedException {
        Instant deadline = clock.instant().plus(timeout);
        Process load = new ProcessBuilder(loadCmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Process dump;
        try {
            dump = new ProcessBuilder(dumpCmd).start();
        } catch (IOException e) {
            load.destroyForcibly();
            throw e;
        }
        Tail dumpErr = Tail.of(dump.getErrorStream(), "mariadb-dump stderr");
        Tail loadErr = Tail.of(load.getErrorStream(), "mariadb stderr");
        DumpPositionScanner scanner = new DumpPositionScanner();
        Pump pump = new Pump(dump.getInputStream(), load.getOutputStream(), scanner);
        pump.start();
        try {
            boolean dumpDone = dump.waitFor(remaining(deadline), TimeUnit.MILLISECONDS);
            pump.join(remaining(deadline));
            boolean loadDone = load.waitFor(remaining(deadline), TimeUnit.MILLISECONDS);
            if (!dumpDone || !loadDone || pump.isAlive()) {
                throw new StepFailedException("the copy did not finish within " + timeout.toMinutes() + " min");
            }
            if (dump.exitValue() != 0 || load.exitValue() != 0) {
                // Either side failing ends the other (a broken pipe), so report both.
                List<String> why = new ArrayList<>();
                if (load.exitValue() != 0) why.add("mariadb on the standby exited " + load.exitValue() + ": " + loadErr.text());
                if (dump.exitValue() != 0) why.add("mariadb-dump exited " + dump.exitValue() + ": " + dumpErr.text());
                throw new StepFailedException("copy failed: " + String.join("; ", why));
            }
            if (pump.error != null) throw new StepFailedException("streaming the dump failed: " + pump.error.getMessage());
            return scanner.position().orElseThrow(() -> new StepFailedException(
                    "the dump carried no '-- SET GLOBAL gtid_slave_pos' comment (is log_bin on on the primary?)"));
        } finally {
            dump.destroyForcibly();
            load.destroyForcibly();
            dumpErr.join(1000);
            loadErr.join(1000);
        }
    }

    private long remaining(Instant deadline) {
        return Math.max(1, Duration.between(clock.instant(), deadline).toMillis());
    }

    /** Copies the dump into the loader, scanning it on the way; stops when either side ends. */
    private static final class Pump extends Thread {
        private final InputStream in;
        private final OutputStream out;
        private final DumpPositionScanner scanner;
        volatile IOException error;

        Pump(InputStream in, OutputStream out, DumpPositionScanner scanner) {
            super("vakt-seed-pump");
            setDaemon(true);
            this.in = in;
            this.out = out;
            this.scanner = scanner;
        }

        @Override
        public void run() {
            byte[] buf = new byte[64 * 1024];
            try (in; out) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    scanner.accept(buf, 0, n);
                    out.write(buf, 0, n);
                }
                scanner.finish();
            } catch (IOException e) {
                error = e;
            }
        }

    }

    /** Keeps the last few KB of a process's stderr for the error message. */
    private static final class Tail extends Thread {
        private static final int KEEP = 4096;
        private final InputStream in;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        private Tail(InputStream in, String name) {
            super("vakt-" + name.replace(' ', '-'));
            setDaemon(true);
            this.in = in;
        }

        static Tail of(InputStream in, String name) {
            Tail t = new Tail(in, name);
            t.start();
            return t;
        }

        @Override
        public void run() {
            byte[] buf = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (buffer) {
                        buffer.write(buf, 0, n);
                        if (buffer.size() > 4 * KEEP) {
                            byte[] all = buffer.toByteArray();
                            buffer.reset();
                            buffer.write(all, all.length - KEEP, KEEP);
                        }
                    }
                }
            } catch (IOException ignored) {
                // The process was ended; what was read is enough.
            }
        }

        String text() throws InterruptedException {
            join(1000);
            synchronized (buffer) {
                byte[] all = buffer.toByteArray();
                int from = Math.max(0, all.length - KEEP);
                String s = new String(all, from, all.length - from, StandardCharsets.UTF_8).trim();
                return s.isEmpty() ? "(no message)" : s.replace('\n', ' ');
            }
        }
    }
}
