package no.vakt.filesync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Severity;
import no.vakt.config.Node;
import no.vakt.config.SyncDirectory;
import no.vakt.config.VaktConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live file sync for one cluster: one {@link DirectorySync} per configured directory, pushing from the
 * source node's side (read locally: this process runs where the source directories are) to the target
 * node over ssh. Follows the journaled {@link SyncDirection}: re-read every second, and applied at once
 * when the failover in this process calls {@link #apply}. A directory the config now maps to the other
 * node than recorded ({@link DirectoryLayout}) is refused, alerted and shown, never synced. Lifecycle:
 * LATENT, started once, closed once.
 *
 * <p>Beside the config, in {@code .vakt/}: {@code filesync-status.json} (this snapshot, every second),
 * {@code filesync-layout.json} ({@link LayoutFile}) and {@code filesync-guard.json} ({@link GuardFile}).
 */
public final class FileSyncService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileSyncService.class);
    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

    private final VaktConfig config;
    private final Path configFile;
    private final Supplier<SyncDirection> direction;
    private final Path statusFile;
    private final GuardFile guards;
    private final Clock clock;
    private final AlertSink alerts;
    private final Consumer<String> print;
    private final boolean guardDisabled;
    /** How long a switchover's direction change waits for the old source's pending pushes. */
    static final java.time.Duration HANDOVER_FLUSH = java.time.Duration.ofSeconds(3);
    private final List<DirectorySync> syncs = new ArrayList<>();
    private final List<DirectoryStatus> refused = new ArrayList<>();
    private final java.util.Set<String> alertedRefusals = new java.util.HashSet<>();
    private FileSyncSnapshot.Totals retired = FileSyncSnapshot.Totals.ZERO;
    private final Thread poller;
    private Path controlDir;
    private SyncDirection current;
    private String note;
    private volatile boolean closed;
    private boolean started;

    /**
     * @param configFile the config {@code config} was read from: messages name it, and the status, layout
     *     and guard files live in {@code .vakt/} next to it
     * @param direction reads the journaled direction (called every second)
     * @param print progress lines for the operator
     */
    public FileSyncService(VaktConfig config, Path configFile, Supplier<SyncDirection> direction, Clock clock,
            AlertSink alerts, Consumer<String> print, boolean guardDisabled) {
        this.config = config;
        this.configFile = configFile;
        this.direction = direction;
        this.statusFile = StatusFile.forConfig(configFile);
        this.guards = GuardFile.forConfig(configFile);
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
        if (wasRunning && isSwap(current, d)) flushAll();
        stopSyncs();
        current = d;
        if (d.paused()) {
            // Held by AgentDirection: another agent pushes (or none until this one's journal catches up).
            note = d.reason().startsWith(AgentDirection.ELSEWHERE)
                    ? d.reason().substring(AgentDirection.ELSEWHERE.length() + 2)
                    : d.source() + " is the source; no target until `vakt rejoin " + config.peerOf(node(d.source())).name() + "`";
            print.accept("file sync paused: " + note);
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
        DirectoryLayout.Verdict layout = layout(config, configFile, clock);
        List<SyncDirectory> dirs = config.files().directories();
        for (int i = 0; i < dirs.size(); i++) {
            SyncDirectory dir = dirs.get(i);
            if (layout.refuses(i)) {
                refuse(dir, target, layout.text(i));
                continue;
            }
            Path from = dir.on(source);
            Path to = dir.on(target);
            DirectorySync s = new DirectorySync(config.cluster(), dir, from, to, ssh, config.files(), clock, alerts,
                    guardDisabled, guards, print);
            s.beforeMirror = beforeMirror;
            syncs.add(s);
            if ("rejoin".equals(d.reason())) s.saveTargetOnlyFiles(STAMP.format(clock.instant()));
            s.start();
        }
        print.accept("file sync " + (wasRunning ? "switched: " : "started: ") + d.source() + " -> " + d.target() + " ("
                + syncs.size() + " director" + (syncs.size() == 1 ? "y" : "ies")
                + (refused.isEmpty() ? "" : ", " + refused.size() + " REFUSED") + ", " + ssh.display() + ")");
    }

    /** Every directory's last pushes at once, all within {@link #HANDOVER_FLUSH}. */
    private void flushAll() {
        syncs.forEach(DirectorySync::startFlush);
        long end = System.nanoTime() + HANDOVER_FLUSH.toNanos();
        syncs.forEach(s -> s.awaitFlush(java.time.Duration.ofNanos(end - System.nanoTime())));
    }

    /**
     * Both nodes stay, the roles turn (a switchover): the old source's last changes still go to the node
     * that becomes the source. Not after a failover (paused; the old primary's late files are errant and
     * its site may be unreachable).
     */
    static boolean isSwap(SyncDirection before, SyncDirection after) {
        return before != null && !before.paused() && !after.paused()
                && after.source().equals(before.target()) && after.target().equals(before.source());
    }

    /**
     * The configured directories against the recorded layout, recording the usable ones (the first time
     * file sync runs, every directory). Without a place to record (a config not read from a file) nothing is
     * refused.
     */
    static DirectoryLayout.Verdict layout(VaktConfig config, Path configFile, Clock clock) {
        Optional<LayoutFile> file = LayoutFile.of(config);
        String where = configFile == null ? "the config" : configFile.toString();
        if (file.isEmpty()) return DirectoryLayout.judge(config, DirectoryLayout.Recorded.NONE, where, clock.instant());
        return file.get().learn(config, where, clock.instant());
    }

    private void refuse(SyncDirectory dir, Node target, String why) {
        // Which path is whose is what is in doubt: the status names the entry and the target node only.
        refused.add(DirectoryStatus.refused(dir.label(), dir.label(), target.name(), why));
        print.accept("file sync REFUSES " + dir.label() + ": " + why);
        if (alertedRefusals.add(why)) {
            alerts.send(refusal(config, dir, target, why, "nothing is copied or deleted in this directory; fix "
                    + (configFile == null ? "the config" : configFile) + " as described and restart vakt run / vakt sync --watch"));
        }
    }

    /** A refused directory gets no file from now on: file sync is behind there, for a person to fix. CRITICAL. */
    private static Alert refusal(VaktConfig config, SyncDirectory dir, Node target, String why, String action) {
        return new Alert(Severity.CRITICAL, config.cluster(), "file sync refuses " + dir.label()
                + ": which directory is whose is in doubt", why, action, AlertKind.FILE_SYNC_BEHIND, target.name());
    }

    public synchronized FileSyncSnapshot snapshot() {
        List<DirectoryStatus> dirs = new ArrayList<>(refused);
        syncs.stream().map(DirectorySync::status).forEach(dirs::add);
        String state = closed ? "stopped" : current == null ? "stopped" : current.paused() ? "paused" : "running";
        return FileSyncSnapshot.of(clock.instant(), state, current, note, dirs, retired, config.files().maxBehind().toMillis());
    }

    /** Test seam for the syncs started from now on: runs between a reconcile's dry run and its real run. */
    volatile Runnable beforeMirror = () -> { };

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
            } catch (RuntimeException | Error e) {
                LOG.warn("file sync: cannot read the direction: {}", e.toString());
            }
            tick();
            writeStatus();
        }
    }

    /** Behind alerts and the shared delete guard state, per directory. */
    private synchronized void tick() {
        for (DirectorySync s : syncs) {
            try {
                s.tick();
            } catch (RuntimeException e) {
                LOG.warn("file sync: {}", e.toString());
            }
        }
    }

    private void writeStatus() {
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
        for (DirectorySync s : syncs) retired = retired.plus(s.status());
        syncs.clear();
        refused.clear();
        if (controlDir != null) {
            try (Stream<Path> s = Files.walk(controlDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException ignored) {
                // A temp directory left behind is harmless. The walk fails with an unchecked NoSuchFileException
                // when ssh removes its control socket while we list it (its exit is not waited for): that failed
                // a failover's HANDOVER ("file sync direction failed") in the fault matrix.
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

    /**
     * One full reconcile of every directory in direction {@code d}, on this thread ({@code vakt sync}).
     * Returns the problems: refused directories, failures, deletions held back.
     */
    public static List<String> syncOnce(VaktConfig config, Path configFile, SyncDirection d, Clock clock, AlertSink alerts,
            boolean guardDisabled, Consumer<String> print) throws IOException {
        requireUtf8Names();
        if (d.paused()) throw new IOException("file sync is paused: " + d.source() + " is the source and has no target"
                + " until `vakt rejoin " + config.peerOf(config.node(d.source()).orElseThrow()).name() + "`");
        Node source = config.node(d.source()).orElseThrow();
        Node target = config.node(d.target()).orElseThrow();
        SshTarget ssh = SshTarget.of(target, config.files().ssh(), null);
        GuardFile guards = GuardFile.forConfig(configFile);
        DirectoryLayout.Verdict layout = layout(config, configFile, clock);
        List<String> problems = new ArrayList<>();
        List<SyncDirectory> dirs = config.files().directories();
        for (int i = 0; i < dirs.size(); i++) {
            SyncDirectory dir = dirs.get(i);
            if (layout.refuses(i)) {
                String why = layout.text(i);
                problems.add("REFUSED " + dir.label() + ": " + why);
                alerts.send(refusal(config, dir, target, why, "nothing was copied or deleted in this directory"));
                continue;
            }
            Path from = dir.on(source);
            Path to = dir.on(target);
            DirectorySync s = new DirectorySync(config.cluster(), dir, from, to, ssh, config.files(), clock, alerts,
                    guardDisabled, guards, print);
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
