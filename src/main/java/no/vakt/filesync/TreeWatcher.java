package no.vakt.filesync;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A recursive watch of one tree on the JDK's WatchService (inotify on Linux: one watch per directory).
 * New directories are watched as they appear and everything already inside them is reported, because
 * files created before the watch was added raise no event. The JDK does not pair the two halves of a
 * rename and drops events past 512 per directory (OVERFLOW); both are fine here because the listener
 * treats every path as "look at it again", and an overflow or a watch error asks for a full reconcile.
 */
final class TreeWatcher implements Closeable {
    interface Listener {
        /** {@code rel} (relative to the root, '/'-separated) may have changed: created, written, removed. */
        void changed(String rel);

        /**
         * Events were lost; only a full comparison makes the copy complete again. {@code rootGone}: the watched
         * root itself went away (nothing is watched any more).
         */
        void lost(String why, boolean rootGone);
    }

    private final Path root;
    private final Listener listener;
    private final int maxDirectories;
    private final WatchService service;
    private final Map<Path, WatchKey> keys = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    // Test switch, per instance: while held, events queue up in the kernel and the JDK as they would
    // behind a slow consumer.
    private volatile boolean held;

    /** @param maxDirectories bound on watched directories (each costs one inotify watch of the user's limit) */
    TreeWatcher(Path root, Listener listener, int maxDirectories) throws IOException {
        this.root = root;
        this.listener = listener;
        this.maxDirectories = maxDirectories;
        this.service = root.getFileSystem().newWatchService();
        this.thread = new Thread(this::loop, "vakt-filesync-watch");
        this.thread.setDaemon(true);
    }

    /** Watches the tree as it is now and starts delivering events. */
    void start() throws IOException {
        registerTree(root, false);
        thread.start();
    }

    int watchedDirectories() {
        synchronized (keys) {
            return keys.size();
        }
    }

    void hold(boolean hold) {
        held = hold;
    }

    private void loop() {
        // Ends when closed: close() closes the service, which ends poll().
        while (!closed) {
            if (held) {
                sleep(10);
                continue;
            }
            WatchKey key;
            try {
                key = service.poll(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            if (key == null) continue;
            try {
                handle(key);
            } catch (RuntimeException | Error e) {
                // Never silently ends the thread: the events are lost, the reconcile repairs what they named.
                listener.lost("watcher error: " + e, false);
            }
        }
    }

    private void handle(WatchKey key) {
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW) {
                listener.lost("inotify event queue overflow in " + rel(dir), false);
                continue;
            }
            Path child = dir.resolve((Path) event.context());
            if (event.kind() == ENTRY_DELETE) forget(child);
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    registerTree(child, true);
                } catch (IOException e) {
                    listener.lost("cannot watch " + rel(child) + ": " + e.getMessage(), false);
                }
            }
            listener.changed(rel(child));
        }
        if (!key.reset()) {
            synchronized (keys) {
                keys.remove(dir, key);
            }
            if (dir.equals(root)) listener.lost("the source directory " + root + " went away", true);
        }
    }

    /** A directory moved away or deleted: its watches (and its children's) would report the old names. */
    private void forget(Path gone) {
        synchronized (keys) {
            for (Iterator<Map.Entry<Path, WatchKey>> it = keys.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Path, WatchKey> e = it.next();
                if (e.getKey().startsWith(gone)) {
                    e.getValue().cancel();
                    it.remove();
                }
            }
        }
    }

    private void registerTree(Path top, boolean report) throws IOException {
        Files.walkFileTree(top, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                synchronized (keys) {
                    if (keys.size() >= maxDirectories) {
                        throw new IOException("more than " + maxDirectories + " directories to watch");
                    }
                    WatchKey old = keys.remove(d);
                    if (old != null) old.cancel();
                    keys.put(d, d.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY));
                }
                if (report && !d.equals(top)) listener.changed(rel(d));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                if (report) listener.changed(rel(f));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                // Gone again before we looked: its delete event is on the way.
                return FileVisitResult.CONTINUE;
            }
        });
    }

    String rel(Path p) {
        return root.relativize(p).toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            service.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
