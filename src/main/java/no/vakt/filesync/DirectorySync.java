package no.vakt.filesync;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Severity;
import no.vakt.config.Durations;
import no.vakt.config.FilesConfig;
import no.vakt.config.SyncDirectory;

/**
 * Keeps one target directory equal to one local source directory: a watcher feeds changed paths into
 * {@link PendingChanges}; one pusher thread waits {@code coalesce}, then sends exactly those paths
 * through the long-lived receiver session (large files with rsync), and runs the full reconcile at
 * start-up, every {@code full-sync-interval}, and at once after lost events. Deletions pass the
 * {@link DeleteGuard} first, with its hold and window kept in the shared {@link GuardFile}. The service's
 * poller calls {@link #tick} every second: it raises and clears the "behind" alert and picks up a hold
 * released or set by another process.
 *
 * <p>Alerts name the target node: {@code file-sync-delete-guard} when deletions are first held back,
 * {@code file-sync-behind} when the oldest unsynced change is older than {@code files.max-behind}, and
 * {@code file-sync-caught-up} when that clears or held deletions are released.
 */
final class DirectorySync implements Closeable {
    /** One inotify watch per directory; the kernel's default per-user limit is 8192 on small machines. */
    static final int MAX_WATCHED_DIRECTORIES = 500_000;
    /** Data per exchange: bounds memory while a batch of small files is in flight. */
    private static final long MAX_BYTES_PER_EXCHANGE = 32L * 1024 * 1024;
    /** Retry waits after failures grow from here to MAX_BACKOFF. */
    private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A full tree copy of a large site can take long; beyond this something hangs. */
    private static final Duration RSYNC_TIMEOUT = Duration.ofHours(2);
    /** The receiver's JVM starts once per session. */
    private static final Duration RECEIVER_START = Duration.ofSeconds(45);
    private static final Duration EXCHANGE_TIMEOUT = Duration.ofMinutes(2);
    /**
     * One failure is a dropped connection the retry fixes; this many in a row (0.5 + 1 + 2 s of backoff)
     * is not a blip: the directory reads as failing (dashboard banner, status).
     */
    static final int FAILING_AFTER = 3;
    /** Pushes in a hand-over's flush: files written meanwhile get a second one, large files a rsync round. */
    private static final int FLUSH_ROUNDS = 3;
    /**
     * While deletions are held back, a changed source is re-checked by a dry run of the whole tree (about a
     * second per 100,000 files here): at most every 10 s, and at most a tenth of the pusher's time, so
     * copies keep flowing on a large tree while a restored source is still noticed soon.
     */
    private static final Duration RECHECK_MIN = Duration.ofSeconds(10);
    private static final int RECHECK_TIME_SHARE = 10;

    private final String cluster;
    private final SyncDirectory dir;
    private final Path source;
    private final Path targetDir;
    private final SshTarget target;
    private final FilesConfig config;
    private final Clock clock;
    private final AlertSink alerts;
    private final boolean guardDisabled;
    private final GuardFile guards;
    private final String guardKey;
    private final DeleteGuard.Limits limits;
    private final Consumer<String> log;
    private final PendingChanges pending;
    private final Rsync rsync;
    private final Thread pusher;

    private TreeWatcher watcher;
    private ReceiverClient client;
    private volatile boolean closed;
    /** A planned hand-over: the pusher sends what is pending, then stops ({@link #startFlush}). */
    private volatile boolean flushing;
    private boolean watching;
    private volatile boolean rootWatched;
    private volatile String state = "starting";
    private volatile Instant lastSuccess;
    private volatile Instant lastReconcile;
    private volatile String deleteGuard;
    private volatile Instant deleteGuardSince;
    private volatile String lastError;
    private volatile int consecutiveFailures;
    /** Past max-behind (with hysteresis), FAILING (until a success), and the alert sent for them; poller only. */
    private boolean behind;
    private boolean failingSeen;
    private Severity alerted;
    /** When a delete guard re-check is due (deletions held back and the source changed); pusher only. */
    private Instant recheckDue;
    private Duration lastPreview = Duration.ZERO;
    private final AtomicLong filesSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong rsyncFailures = new AtomicLong();
    private final AtomicLong pushFailures = new AtomicLong();
    /** Files on the target as last known, for the guard's percentage; -1 until the first reconcile. */
    private long targetFiles = -1;
    private Duration backoff = MIN_BACKOFF;
    /** Set for the first reconcile into a node that was just rejoined; see {@link #saveTargetOnlyFiles}. */
    private String saveDir;

    DirectorySync(String cluster, SyncDirectory dir, Path source, Path targetDir, SshTarget target, FilesConfig config,
            Clock clock, AlertSink alerts, boolean guardDisabled, GuardFile guards, Consumer<String> log) {
        this.cluster = cluster;
        this.dir = dir;
        this.source = source;
        this.targetDir = targetDir;
        this.target = target;
        this.config = config;
        this.clock = clock;
        this.alerts = alerts;
        this.guardDisabled = guardDisabled;
        this.guards = guards;
        this.guardKey = GuardFile.key(target.node(), targetDir);
        this.limits = new DeleteGuard.Limits(config.maxDeletePercent(), config.deleteWindow());
        this.log = log;
        this.pending = new PendingChanges(config.maxPending());
        this.rsync = new Rsync("rsync", target, RSYNC_TIMEOUT);
        this.pusher = new Thread(this::loop, "vakt-filesync-push");
        this.pusher.setDaemon(true);
    }

    /**
     * The first reconcile moves files only the target has (or has in another version) into
     * {@code .vakt-saved-STAMP/} inside the target instead of deleting or overwriting them: after a
     * failover the old primary may hold uploads that never reached the new one, the files' errant
     * transactions. Called before {@link #start()}.
     */
    void saveTargetOnlyFiles(String stamp) {
        saveDir = Wire.SAVED_PREFIX + stamp;
    }

    /** Starts watching and pushing; the first thing the pusher does is a full reconcile. */
    void start() {
        watching = true;
        startWatcher();
        pending.requestReconcile("start-up", clock.instant());
        pusher.start();
    }

    /** One full reconcile, now, on the caller's thread (for {@code vakt sync} without --watch). */
    Rsync.Result reconcileOnce() throws IOException {
        return reconcile("one-shot");
    }

    /** Test seam: runs between a reconcile's dry run and its real run (where deletions can slip in). */
    volatile Runnable beforeMirror = () -> { };

    /** Test switch: hold the watcher's events (they pile up as behind a slow consumer). */
    void holdEvents(boolean hold) {
        TreeWatcher w = watcher;
        if (w != null) w.hold(hold);
    }

    DirectoryStatus status() {
        Instant now = clock.instant();
        TreeWatcher w = watcher;
        long age = pending.oldestAge(now).toMillis();
        return new DirectoryStatus(dir.label(), source.toString(), target.node() + ":" + targetDir, target.node(), state, pending.size(),
                age, lastSuccess, lastReconcile, filesSent.get(), bytesSent.get(),
                deletes.get(), rsyncFailures.get(), pushFailures.get(), deleteGuard, deleteGuardSince,
                age > config.maxBehind().toMillis(), consecutiveFailures >= FAILING_AFTER, lastError,
                w == null ? 0 : w.watchedDirectories());
    }

    /**
     * Every second, from the service's poller: the file-sync-behind alert and the delete guard's state as the
     * shared file has it (another process may have held or released deletions). The alert escalates once per
     * episode: WARNING when the oldest unsynced change is older than {@code files.max-behind} or the directory
     * turned FAILING (the target keeps refusing: full, read-only, no permission, unreachable), CRITICAL when
     * both (changes that cannot arrive and would be missing after a failover now). Behind clears below half
     * of max-behind (a backlog hovering at the bound does not alert every second), failing at the next
     * success; then one file-sync-caught-up.
     */
    void tick() {
        Instant now = clock.instant();
        refreshGuard();
        Duration age = pending.oldestAge(now);
        Duration bound = config.maxBehind();
        if (!behind && age.compareTo(bound) > 0) behind = true;
        else if (behind && age.compareTo(bound.dividedBy(2)) <= 0) behind = false;
        int failures = consecutiveFailures;
        if (!failingSeen && failures >= FAILING_AFTER) failingSeen = true;
        else if (failingSeen && failures == 0) failingSeen = false;
        Severity want = behind && failingSeen ? Severity.CRITICAL : behind || failingSeen ? Severity.WARNING : null;
        if (want != null && (alerted == null || !alerted.atLeast(want))) {
            alerted = want;
            String err = lastError;
            String event = behind
                    ? "file sync to " + target.node() + " behind" + (failingSeen ? " and failing" : "") + ": the oldest"
                            + " unsynced change in " + source + " is " + Durations.format(age.withNanos(0)) + " old"
                    : "file sync to " + target.node() + " failing: " + source;
            alerts.send(new Alert(want, cluster, event,
                    pending.size() + " change(s) pending, " + state
                            + (failures > 0 ? ", " + failures + " failure(s) in a row" : "")
                            + (err == null ? "" : ", last error: " + err)
                            + ", last success " + (lastSuccess == null ? "never" : lastSuccess.toString())
                            + " (files.max-behind " + Durations.format(bound) + ")",
                    "Vakt keeps retrying (every " + Durations.format(MAX_BACKOFF) + " at most); these files would be"
                            + " missing on " + target.node() + " after a failover now. Check ssh to " + target.display()
                            + ", the disk there (space, permissions, read-only), and `vakt status`",
                    AlertKind.FILE_SYNC_BEHIND, target.node()));
        } else if (want == null && alerted != null) {
            alerted = null;
            alerts.send(new Alert(Severity.INFO, cluster, "file sync to " + target.node() + " caught up: " + source,
                    "the oldest unsynced change is " + Durations.format(age.withNanos(0)) + " old", "",
                    AlertKind.FILE_SYNC_CAUGHT_UP, target.node()));
        }
    }

    private void refreshGuard() {
        if (guards == null) return;
        try {
            GuardFile.Target t = guards.get(guardKey);
            deleteGuard = t.heldSince() == null ? null : t.reason();
            deleteGuardSince = t.heldSince();
        } catch (RuntimeException e) {
            // Unreadable for a moment: keep what we knew; the next decision reads it again.
        }
    }

    // ---- the pusher ----

    private void loop() {
        // Ends when closed; every wait below is bounded so close() is noticed within a second.
        while (!closed) {
            try {
                if (flushing) {
                    flush();
                    return;
                }
                Instant now = clock.instant();
                Instant due = lastReconcile == null ? null : lastReconcile.plus(config.fullSyncInterval());
                if (due != null && !now.isBefore(due)) pending.requestCheck("full-sync-interval");
                if (recheckDue != null && !now.isBefore(recheckDue)) {
                    recheckDue = null;
                    pending.requestCheck("delete guard re-check");
                }
                if (!pending.awaitWork(Duration.ofSeconds(1)) || flushing) continue;
                PendingChanges.Reconcile rec = pending.takeReconcile();
                if (rec != null) {
                    try {
                        reconcile(rec.reason());
                        pending.done();
                        succeeded();
                        connectEarly();
                    } catch (IOException e) {
                        failed("reconcile (" + rec.reason() + ") failed: " + e.getMessage(), true);
                        pending.retry(rec);
                        pause();
                    } catch (RuntimeException | Error e) {
                        pending.retry(rec); // asked for again: an Error must not cost the reconcile
                        throw e;
                    }
                    continue;
                }
                Instant since = pending.pendingSince();
                if (since != null) {
                    // Coalesce: wait until the oldest change is coalesce old, collecting more meanwhile.
                    long waitMs = Duration.between(clock.instant(), since.plus(config.coalesce())).toMillis();
                    if (waitMs > 0) Thread.sleep(Math.min(waitMs, config.coalesce().toMillis()));
                }
                if (pending.reconcileRequested()) continue;
                PendingChanges.Batch batch = pending.drain();
                if (batch.paths().isEmpty()) {
                    pending.done();
                    continue;
                }
                try {
                    push(batch.paths());
                    pending.done();
                    succeeded();
                } catch (RuntimeException | Error e) {
                    pushFailures.incrementAndGet();
                    pending.restore(batch.paths(), batch.oldest()); // never lost: a change not delivered stays pending
                    closeClient();
                    throw e;
                } catch (Refused e) {
                    // The session is fine, the target is not (full, read-only, refusing): same session, after the backoff.
                    pushFailures.incrementAndGet();
                    pending.restore(e.paths, batch.oldest());
                    failed("push failed: " + e.getMessage(), false);
                    pause();
                } catch (IOException e) {
                    pushFailures.incrementAndGet();
                    pending.restore(batch.paths(), batch.oldest());
                    closeClient();
                    failed("push failed: " + e.getMessage(), false);
                    pause();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                // Never silently: an Error (OutOfMemoryError...) is logged, shown in status and retried like a failure.
                failed("file sync error: " + e, false);
                try {
                    pause();
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void succeeded() {
        backoff = MIN_BACKOFF;
        consecutiveFailures = 0;
        lastSuccess = clock.instant();
        state = "watching";
    }

    /** No alert here: one failure is retried at once; a change left waiting alerts as "behind" ({@link #tick}). */
    private void failed(String why, boolean rsyncRun) {
        if (rsyncRun) rsyncFailures.incrementAndGet();
        consecutiveFailures++;
        lastError = why;
        state = "retrying";
        log.accept("file sync " + source + ": " + why);
    }

    private void pause() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    // ---- reconcile ----

    private Rsync.Result reconcile(String reason) throws IOException {
        state = "reconciling";
        if (watching && !rootWatched) startWatcher(); // the source came back after going away
        SourceRoot root = SourceRoot.observe(source, dir.requireMount());
        if (root != SourceRoot.PRESENT && root != SourceRoot.EMPTY) {
            throw new IOException("the source directory " + source + " is " + root.label());
        }
        Instant started = clock.instant();
        Rsync.Preview preview = rsync.preview(source, targetDir);
        lastPreview = Duration.between(started, clock.instant());
        GuardFile.Target before = guardState();
        Instant now = clock.instant();
        DeleteGuard.Decision decision = DeleteGuard.decide(root, preview.targetFiles(), preview.deletions(),
                DeleteGuard.inWindow(before.deleted(), now, limits.window()), limits, guardDisabled, before.hold(), true, now);
        if (!decision.allowed()) record(decision, 0, before); // held before anything runs, even if rsync fails
        // Bounded by the verdict: what was deleted between the dry run and this run is left for the next one.
        long maxDelete = !decision.allowed() ? Rsync.NO_DELETE : guardDisabled ? Rsync.UNLIMITED : preview.deleteEntries();
        beforeMirror.run();
        Rsync.Result r;
        String partial = null;
        try {
            r = rsync.mirror(source, targetDir, maxDelete, saveDir);
        } catch (Rsync.Failed e) {
            // Held back, a directory that became a file cannot change without deleting: rsync says so (23).
            // The rest was copied; that entry waits for the release, and pushes go on meanwhile.
            if (decision.allowed() || e.code != Rsync.Failed.PARTIAL) throw e;
            r = new Rsync.Result(0, 0, 0, false);
            partial = "reconcile incomplete while deletions are held back: " + e.getMessage();
        }
        if (decision.allowed()) record(decision, r.deleted(), before);
        if (r.deleteLimitReached()) {
            log.accept("file sync " + source + ": more deletions appeared during the reconcile than its dry run counted;"
                    + " they wait for the next one, through the delete guard");
            pending.requestCheck("deletions appeared during a reconcile");
        }
        if (saveDir != null) log.accept("file sync " + source + ": what only " + target.node() + " had is kept in "
                + targetDir.resolve(saveDir));
        saveDir = null;
        filesSent.addAndGet(r.files());
        bytesSent.addAndGet(r.bytes());
        deletes.addAndGet(r.deleted());
        targetFiles = preview.sourceFiles() + (decision.allowed() ? 0 : preview.deletions());
        lastReconcile = clock.instant();
        lastError = partial;
        log.accept("file sync " + source + ": reconcile (" + reason + ") sent " + r.files() + " file(s), " + r.bytes()
                + " bytes, deleted " + r.deleted() + (decision.allowed() ? "" : "; " + decision.reason()));
        return r;
    }

    private GuardFile.Target guardState() {
        return guards == null ? GuardFile.Target.NONE : guards.get(guardKey);
    }

    /**
     * Keeps {@code d} in the shared file ({@code deleted}: files it removed, counted in the window) and says
     * so: the first hold alerts (file-sync-delete-guard), a release is an INFO (file-sync-caught-up). An
     * operator's override ({@code --no-delete-guard}) clears the hold and starts the window afresh.
     */
    private void record(DeleteGuard.Decision d, long deleted, GuardFile.Target before) {
        Instant now = clock.instant();
        if (guards != null) {
            if (guardDisabled) {
                if (deleted > 0 || before.heldSince() != null || !before.deleted().isEmpty()) guards.clear(guardKey);
            } else {
                guards.apply(guardKey, d, deleted, now, limits.window());
            }
        }
        if (!d.allowed()) {
            deleteGuard = d.reason();
            deleteGuardSince = d.hold().since();
            log.accept("file sync " + source + ": " + d.reason());
            if (before.heldSince() == null) {
                alerts.send(new Alert(Severity.WARNING, cluster, "file sync: deletions on " + target.node() + " held back",
                        source + " -> " + target.node() + ":" + targetDir + ": " + d.reason(),
                        "copying continues. Check the source directory; when the deletions are wanted run"
                                + " `vakt sync --no-delete-guard`",
                        AlertKind.FILE_SYNC_DELETE_GUARD, target.node()));
            }
            return;
        }
        recheckDue = null;
        if (before.heldSince() != null) {
            String how = guardDisabled ? "by --no-delete-guard" : "the source has the files again";
            log.accept("file sync " + source + ": deletions on " + target.node() + " released (" + how + ")");
            alerts.send(new Alert(Severity.INFO, cluster, "file sync: deletions on " + target.node() + " released",
                    source + " -> " + target.node() + ":" + targetDir + ": held since " + before.heldSince() + " ("
                            + before.trigger() + "); released " + how + ", " + deleted + " file(s) deleted",
                    "", AlertKind.FILE_SYNC_CAUGHT_UP, target.node()));
        }
        deleteGuard = null;
        deleteGuardSince = null;
    }

    /**
     * While deletions are held back, every push re-judges the hold (the source may be back: the reason says
     * so at once) and asks for a re-check reconcile, the only thing that can release it.
     */
    private void reconsiderHold() {
        // deleteGuardSince follows the guard file (refreshed every tick): no hold, no file read on this push.
        if (guardDisabled || deleteGuardSince == null) return;
        GuardFile.Target before = guardState();
        if (before.heldSince() == null) return;
        Instant now = clock.instant();
        SourceRoot root = SourceRoot.observe(source, dir.requireMount());
        DeleteGuard.Decision d = DeleteGuard.decide(root, targetFiles, 0, 0, limits, false, before.hold(), false, now);
        if (!d.reason().equals(before.reason())) record(d, 0, before);
        if (recheckDue == null) {
            Duration wait = lastPreview.multipliedBy(RECHECK_TIME_SHARE);
            if (wait.compareTo(RECHECK_MIN) < 0) wait = RECHECK_MIN;
            Instant last = lastReconcile == null ? now : lastReconcile;
            recheckDue = last.plus(wait).isAfter(now) ? last.plus(wait) : now;
        }
    }

    // ---- push ----

    private record Classified(List<String> dirs, List<String> links, List<String> files, List<String> large,
            List<String> removes) {}

    /**
     * What the receiver would not do in one push: the paths go back to pending and are retried after the
     * backoff (ssh stays up: the session is fine, the target is not), and the push counts as failed.
     */
    static final class Refused extends IOException {
        final Set<String> paths;

        Refused(Set<String> paths, String message) {
            super(message);
            this.paths = paths;
        }
    }

    /** Paths the receiver failed or answered REPLACE for, within one push. */
    private static final class Answers {
        final Map<String, String> failed = new java.util.TreeMap<>();
        final Set<String> replace = new TreeSet<>();
    }

    private void push(Set<String> paths) throws IOException {
        if (targetFiles < 0) {
            pending.requestReconcile("first push", clock.instant());
            throw new IOException("no reconcile yet");
        }
        Classified c = classify(paths);
        ReceiverClient rc = client();
        List<String> creates = new ArrayList<>(c.dirs());
        creates.addAll(c.links());
        creates.addAll(c.files());
        Answers answers = new Answers();
        sendCreates(rc, creates, answers);
        List<String> removes = c.removes();
        Set<String> replaced = Set.copyOf(answers.replace);
        if (!replaced.isEmpty()) {
            // A type change deletes what the target holds at that path: counted and judged like any deletion.
            removes = new ArrayList<>(replaced);
            for (String r : c.removes()) if (!under(r, replaced)) removes.add(r);
        }
        boolean removesAllowed = removes.isEmpty() || remove(rc, removes, answers);
        if (!replaced.isEmpty()) {
            // Once the old tree is gone, what waited for it goes again (the new file, a new directory's children).
            List<String> again = new ArrayList<>();
            for (String f : answers.failed.keySet()) if (under(f, replaced)) again.add(f);
            again.addAll(replaced);
            answers.failed.keySet().removeAll(again);
            answers.replace.clear();
            // Held back: dropped like held deletions; the reconcile that releases the hold makes the change.
            if (removesAllowed) sendCreates(rc, again, answers);
            // Changed type again meanwhile: not delivered, so retried like any refusal.
            for (String r : answers.replace) answers.failed.putIfAbsent(r, "its type changed again on the target");
        }
        reconsiderHold();
        if (!c.large().isEmpty()) {
            try {
                Rsync.Result r = rsync.files(source, targetDir, c.large());
                filesSent.addAndGet(r.files());
                bytesSent.addAndGet(r.bytes());
            } catch (IOException e) {
                rsyncFailures.incrementAndGet();
                pending.restore(new LinkedHashSet<>(c.large()), clock.instant());
                throw e;
            }
        }
        if (!answers.failed.isEmpty()) {
            Map.Entry<String, String> first = answers.failed.entrySet().iterator().next();
            throw new Refused(new LinkedHashSet<>(answers.failed.keySet()), target.node() + " refused "
                    + answers.failed.size() + " path(s), e.g. " + first.getKey() + ": " + first.getValue());
        }
    }

    private static boolean under(String path, Set<String> roots) {
        for (String r : roots) if (path.equals(r) || path.startsWith(r + "/")) return true;
        return false;
    }

    private void sendCreates(ReceiverClient rc, List<String> creates, Answers answers) throws IOException {
        creates.sort(null); // parents before children
        List<Op> ops = new ArrayList<>();
        long bytes = 0;
        for (String rel : creates) {
            Op op = read(rel);
            if (op == null) continue;
            ops.add(op);
            if (op instanceof Op.PutFile f) bytes += f.length();
            if (ops.size() >= ReceiverClient.MAX_OPS_PER_EXCHANGE || bytes >= MAX_BYTES_PER_EXCHANGE) {
                send(rc, ops, answers);
                ops = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!ops.isEmpty()) send(rc, ops, answers);
    }

    /** Looks at each path once; a removed directory's children are covered by its removal. */
    private Classified classify(Set<String> paths) {
        Classified c = new Classified(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>());
        String lastRemoved = null;
        for (String rel : new TreeSet<>(paths)) {
            if (rel.isEmpty()) continue;
            if (lastRemoved != null && rel.startsWith(lastRemoved + "/")) continue;
            Path p = source.resolve(rel);
            try {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,size", LinkOption.NOFOLLOW_LINKS);
                int type = ((Integer) a.get("mode")) & 0170000;
                if (type == 0040000) c.dirs().add(rel);
                else if (type == 0120000) c.links().add(rel);
                else if (type == 0100000) {
                    if ((Long) a.get("size") >= config.largeFileBytes()) c.large().add(rel);
                    else c.files().add(rel);
                }
                // Sockets, fifos and devices are not content: skipped.
            } catch (NoSuchFileException e) {
                c.removes().add(rel);
                lastRemoved = rel;
            } catch (IOException e) {
                if (underNonDirectory(rel)) {
                    // ENOTDIR: a directory on the way became a file or a symlink, so this path is gone.
                    c.removes().add(rel);
                    lastRemoved = rel;
                } else {
                    lastError = "cannot read " + rel + ": " + e.getMessage();
                }
            }
        }
        return c;
    }

    /** Whether a parent of {@code rel} (below the source root) exists as something other than a directory. */
    private boolean underNonDirectory(String rel) {
        Path parent = Path.of(rel).getParent();
        for (Path p = parent; p != null; p = p.getParent()) {
            Path abs = source.resolve(p);
            if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) return true;
        }
        return false;
    }

    /** The operation that recreates {@code rel} on the target; null when it vanished meanwhile (its event follows). */
    private Op read(String rel) throws IOException {
        Path p = source.resolve(rel);
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,size",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int uid = (Integer) a.get("uid");
            int gid = (Integer) a.get("gid");
            long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
            int type = mode & 0170000;
            if (type == 0040000) return new Op.MakeDir(rel, mode, mtime, uid, gid);
            if (type == 0120000) return new Op.PutLink(rel, Files.readSymbolicLink(p).toString(), uid, gid);
            long size = (Long) a.get("size");
            if (size >= config.largeFileBytes()) {
                pending.add(rel, clock.instant()); // grew past the limit since classified: rsync it next time
                return null;
            }
            // Streamed when sent; a file still being written is sent as it is then, and again after its next write.
            return new Op.PutFile(rel, p, mode, mtime, uid, gid, size);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (underNonDirectory(rel)) return null; // gone with its parent; the removal covers it
            throw e;
        }
    }

    private void send(ReceiverClient rc, List<Op> ops, Answers answers) throws IOException {
        List<Op.Ack> acks = rc.exchange(ops);
        for (int i = 0; i < acks.size(); i++) {
            Op.Ack ack = acks.get(i);
            Op op = ops.get(i);
            switch (ack.status()) {
                case FAILED -> {
                    answers.failed.put(op.path(), ack.error());
                    lastError = op.path() + ": " + ack.error();
                }
                case REPLACE -> answers.replace.add(op.path());
                case CHANGED -> pending.add(op.path(), clock.instant());
                case OK -> {
                    if (op instanceof Op.PutFile f) {
                        filesSent.incrementAndGet();
                        bytesSent.addAndGet(f.length());
                        targetFiles += ack.value();
                    } else if (op instanceof Op.PutLink) {
                        filesSent.incrementAndGet();
                        targetFiles += ack.value();
                    }
                }
            }
        }
    }

    /** Counts, judges and deletes {@code removes} on the target; false when the delete guard held them back. */
    private boolean remove(ReceiverClient rc, List<String> removes, Answers answers) throws IOException {
        long wouldDelete = 0;
        for (int i = 0; i < removes.size(); i += ReceiverClient.MAX_OPS_PER_EXCHANGE) {
            List<Op> counts = new ArrayList<>();
            for (String r : removes.subList(i, Math.min(removes.size(), i + ReceiverClient.MAX_OPS_PER_EXCHANGE))) {
                counts.add(new Op.Count(r));
            }
            for (Op.Ack a : rc.exchange(counts)) wouldDelete += a.ok() ? a.value() : 0;
        }
        SourceRoot root = SourceRoot.observe(source, dir.requireMount());
        GuardFile.Target before = guardState();
        Instant now = clock.instant();
        DeleteGuard.Decision decision = DeleteGuard.decide(root, targetFiles, wouldDelete,
                DeleteGuard.inWindow(before.deleted(), now, limits.window()), limits, guardDisabled, before.hold(), false, now);
        if (!decision.allowed()) {
            // The paths are dropped: a reconcile that releases the hold deletes whatever the source still lacks.
            record(decision, 0, before);
            return false;
        }
        long removed = 0;
        for (int i = 0; i < removes.size(); i += ReceiverClient.MAX_OPS_PER_EXCHANGE) {
            List<Op> ops = new ArrayList<>();
            for (String r : removes.subList(i, Math.min(removes.size(), i + ReceiverClient.MAX_OPS_PER_EXCHANGE))) {
                ops.add(new Op.Remove(r));
            }
            List<Op.Ack> acks = rc.exchange(ops);
            for (int k = 0; k < acks.size(); k++) {
                Op.Ack a = acks.get(k);
                if (!a.ok()) {
                    answers.failed.put(ops.get(k).path(), a.error());
                    lastError = ops.get(k).path() + ": " + a.error();
                    continue;
                }
                deletes.addAndGet(a.value());
                targetFiles -= a.value();
                removed += a.value();
            }
        }
        record(decision, removed, before);
        return true;
    }

    private ReceiverClient client() throws IOException {
        if (client != null && client.alive()) return client;
        closeClient();
        List<String> remote = new ArrayList<>(config.receiver());
        remote.add(targetDir.toString());
        client = ReceiverClient.start(target.command(remote), RECEIVER_START, EXCHANGE_TIMEOUT);
        return client;
    }

    /** The receiver's JVM takes a moment to start: start it now rather than on the first change. */
    private void connectEarly() {
        try {
            client();
        } catch (IOException e) {
            lastError = "receiver not started: " + e.getMessage() + "; retried on the next change";
        }
    }

    private void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    // ---- watcher ----

    private void startWatcher() {
        if (watcher != null) watcher.close();
        watcher = null;
        rootWatched = false;
        if (!Files.isDirectory(source)) return; // the reconcile reports it and retries
        try {
            TreeWatcher w = new TreeWatcher(source, new TreeWatcher.Listener() {
                @Override
                public void changed(String rel) {
                    if (rel.startsWith(Wire.SAVED_PREFIX)) return; // kept aside on purpose, never synced
                    pending.add(rel, clock.instant());
                }

                @Override
                public void lost(String why, boolean rootGone) {
                    if (rootGone) rootWatched = false;
                    log.accept("file sync " + source + ": " + why + "; full reconcile");
                    pending.requestReconcile(why, clock.instant());
                }
            }, MAX_WATCHED_DIRECTORIES);
            watcher = w;
            w.start();
            rootWatched = true;
        } catch (IOException e) {
            // inotify limits (ENOSPC) or an unreadable corner: the periodic reconcile still copies everything.
            lastError = "watching " + source + " failed: " + e.getMessage() + "; relying on reconciles";
            log.accept("file sync " + lastError);
            pending.requestReconcile("watch failed", clock.instant());
        }
    }

    /**
     * For a planned hand-over (the target becomes the source): the pusher sends the changes still pending,
     * then stops; {@link #awaitFlush} waits for it, then {@link #close}. Without this an upload stored on the
     * old primary's site in its last moment as source (waiting out the coalesce, or in a push that close()
     * interrupts) reached neither site in the end: the new direction's start-up reconcile mirrors it away.
     */
    void startFlush() {
        flushing = true;
        pending.wake();
    }

    /** After {@link #startFlush}: waits at most {@code max} for the pusher to finish its last pushes. */
    void awaitFlush(Duration max) {
        try {
            pusher.join(Math.max(1, max.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Pusher only: pending paths pushed without coalescing and without a reconcile (which could delete on the new source). */
    private void flush() throws InterruptedException {
        for (int round = 0; round < FLUSH_ROUNDS && !closed; round++) {
            PendingChanges.Batch batch = pending.drain();
            if (batch.paths().isEmpty()) return;
            try {
                push(batch.paths());
                pending.done();
            } catch (IOException | RuntimeException e) {
                pending.restore(batch.paths(), batch.oldest());
                log.accept("file sync " + source + ": hand-over push failed: " + e.getMessage() + "; "
                        + pending.size() + " change(s) left to the new direction's reconcile");
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        pending.wake();
        if (watcher != null) watcher.close();
        pusher.interrupt();
        try {
            pusher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeClient();
        state = "stopped";
    }
}
