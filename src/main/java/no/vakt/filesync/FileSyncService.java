package no.vakt.filesync;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import no.vakt.alert.AlertSink;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.config.VaktConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live file sync for one cluster: one {@link DirectorySync} per configured directory, pushing from the
 * source node's side (read locally: this process runs where the source directories are) to the target
 * node over ssh. Follows the journaled {@link SyncDirection}: re-read every second, and applied at once
 * when the failover in this process calls {@link #apply}. Lifecycle: LATENT, started once, closed once.
 */
public final class FileSyncService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileSyncService.class);
    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

    private final VaktConfig config;
    private final Supplier<SyncDirection> direction;
    private final Path statusFile;
    private final Clock clock;
    private final AlertSink alerts;
    private final Consumer<String> print;
    private final boolean guardDisabled;
    private final List<DirectorySync> syncs = new ArrayList<>();
    private final Thread poller;
    private Path controlDir;
    private SyncDirection current;
    private String note;
    private volatile boolean closed;
    private boolean started;

    /**
     * @param direction reads the journaled direction (called every second)
     * @param statusFile where the snapshot is written every second; null for none
     * @param print progress lines for the operator
     */
    public FileSyncService(VaktConfig config, Supplier<SyncDirection> direction, Path statusFile, Clock clock,
            AlertSink alerts, Consumer<String> print, boolean guardDisabled) {
        this.config = config;
        this.direction = direction;
        this.statusFile = statusFile;
        this.clock = clock;
        this.alerts = alerts;
        this.print = print;
        this.guardDisabled = guardDisabled;
        this.poller = new Thread(this::poll, "vakt-filesync-direction");
        this.poller.setDaemon(true);
    }

    /** Names that are not UTF-8 in the JVM's view would be garbled: refuse rather than copy them wrong. */
    public static void requireUtf8Names() {
        String jnu = System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name());
        if (!jnu.equalsIgnoreCase("UTF-8")) {
            throw new IllegalStateException("file names are read as " + jnu + ", not UTF-8: run Vakt with LANG=C.UTF-8");
        }
    }

    public synchronized void start() {
        if (started) throw new IllegalStateException("already started");
        started = true;
        requireUtf8Names();
        apply(direction.get());
        poller.start();
    }

    /** Switches to {@code d}: stops every push first, then starts from the new source (unless paused). */
    public synchronized void apply(SyncDirection d) {
        if (closed || d.equals(current)) return;
        boolean wasRunning = !syncs.isEmpty();
        stopSyncs();
        current = d;
        if (d.paused()) {
            note = "paused: " + d.source() + " is the source; no target until `vakt rejoin "
                    + config.peerOf(node(d.source())).name() + "`";
            print.accept("file sync " + note);
            return;
        }
        note = null;
        try {
            controlDir = Files.createTempDirectory("vakt-ssh");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the ssh control directory: " + e.getMessage(), e);
        }
        Node source = node(d.source());
        Node target = node(d.target());
        SshTarget ssh = SshTarget.of(target, config.files().ssh(), controlDir);
        for (SyncDirectory dir : config.files().directories()) {
            Path from = dir.on(source.role() == Role.PRIMARY);
            Path to = dir.on(target.role() == Role.PRIMARY);
            DirectorySync s = new DirectorySync(config.cluster(), dir, from, to, ssh, config.files(), clock, alerts,
                    guardDisabled, print);
            syncs.add(s);
            if ("rejoin".equals(d.reason())) s.saveTargetOnlyFiles(STAMP.format(clock.instant()));
            s.start();
        }
        print.accept("file sync " + (wasRunning ? "switched: " : "started: ") + d.source() + " -> " + d.target() + " ("
                + config.files().directories().size() + " director" + (config.files().directories().size() == 1 ? "y" : "ies")
                + ", " + ssh.display() + ")");
    }

    public synchronized FileSyncSnapshot snapshot() {
        List<DirectoryStatus> dirs = syncs.stream().map(DirectorySync::status).toList();
        String state = closed ? "stopped" : current == null ? "stopped" : current.paused() ? "paused" : "running";
        return FileSyncSnapshot.of(clock.instant(), state, current, note, dirs);
    }

    /** Test switch: hold the watchers' events, as behind a slow consumer. */
    synchronized void holdEvents(boolean hold) {
        syncs.forEach(s -> s.holdEvents(hold));
    }

    private void poll() {
        // Until closed; one read of the journal and one small file write per second.
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            try {
                apply(direction.get());
            } catch (RuntimeException e) {
                LOG.warn("file sync: cannot read the direction: {}", e.getMessage());
            }
            writeStatus();
        }
    }

    private void writeStatus() {
        if (statusFile == null) return;
        try {
            StatusFile.write(statusFile, snapshot());
        } catch (IOException | RuntimeException e) {
            LOG.warn("file sync: cannot write {}: {}", statusFile, e.getMessage());
        }
    }

    private Node node(String name) {
        return config.node(name).orElseThrow(() -> new IllegalStateException("no node named " + name));
    }

    private void stopSyncs() {
        syncs.forEach(DirectorySync::close);
        syncs.clear();
        if (controlDir != null) {
            try (Stream<Path> s = Files.walk(controlDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // A temp directory left behind is harmless.
            }
            controlDir = null;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            stopSyncs();
        }
        poller.interrupt();
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeStatus();
    }

    /** One full reconcile of every directory in direction {@code d}, on this thread ({@code vakt sync}). */
    public static List<String> syncOnce(VaktConfig config, SyncDirection d, Clock clock, AlertSink alerts,
            boolean guardDisabled, Consumer<String> print) throws IOException {
        requireUtf8Names();
        if (d.paused()) throw new IOException("file sync is paused: " + d.source() + " is the source and has no target"
                + " until `vakt rejoin " + config.peerOf(config.node(d.source()).orElseThrow()).name() + "`");
        Node source = config.node(d.source()).orElseThrow();
        Node target = config.node(d.target()).orElseThrow();
        SshTarget ssh = SshTarget.of(target, config.files().ssh(), null);
        List<String> problems = new ArrayList<>();
        for (SyncDirectory dir : config.files().directories()) {
            Path from = dir.on(source.role() == Role.PRIMARY);
            Path to = dir.on(target.role() == Role.PRIMARY);
            DirectorySync s = new DirectorySync(config.cluster(), dir, from, to, ssh, config.files(), clock, alerts,
                    guardDisabled, print);
            try {
                s.reconcileOnce();
                DirectoryStatus st = s.status();
                if (st.deleteGuard() != null) problems.add(from + ": " + st.deleteGuard());
            } catch (IOException e) {
                problems.add(from + ": " + e.getMessage());
                print.accept("file sync " + from + ": " + e.getMessage());
            }
        }
        return problems;
    }
}
