package no.vakt.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Copies one node's binlog spool (the local directory {@code mariadb-binlog --raw} writes into) up into the
 * repository, whatever kind it is: the newest file's whole new events as a chunk ({@link ArchiveChunk}), a file
 * followed by a newer one (rotated, so complete) whole, its chunks then removed and its spool copy deleted.
 * One caller makes the passes; {@link #archivedBytes} may be read from anywhere.
 */
final class SpoolUploader {
    private static final int BUFFER = 1 << 20;

    private final Repository repository;
    private final String node;
    private final Path spool;
    private final Map<String, Active> known = new HashMap<>();
    private final Map<String, Long> archived = new ConcurrentHashMap<>();

    /** What is archived of a file this uploader has seen. */
    private static final class Active {
        List<ArchiveChunk> path;
        boolean wholeStored;
    }

    SpoolUploader(Repository repository, String node, Path spool) {
        this.repository = repository;
        this.node = node;
        this.spool = spool;
    }

    /** How many bytes of {@code file} (from its start) are in the repository; -1 when unknown. */
    long archivedBytes(String file) {
        return archived.getOrDefault(file, -1L);
    }

    /** One pass over the spool: what it holds beyond what is archived goes up. */
    void pass() throws IOException {
        List<Path> files = spoolFiles();
        for (int i = 0; i < files.size(); i++) {
            if (i == files.size() - 1) {
                uploadGrowth(files.get(i));
            } else if (!uploadRotated(files.get(i))) {
                return; // not whole yet on disk: the next pass
            }
        }
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> s = Files.list(spool)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** The newest file: its new whole events as a chunk, then the merges that are due. */
    private void uploadGrowth(Path file) throws IOException {
        String name = file.getFileName().toString();
        Active a = state(name);
        long end = ArchiveChunk.end(a.path);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < end) return; // re-fetched from its start after a restart: not there yet
            long boundary = EventBoundary.last(ch, Math.max(end, EventBoundary.MAGIC), size);
            if (boundary > end && boundary > EventBoundary.MAGIC) {
                ArchiveChunk c = new ArchiveChunk(end, boundary, 0);
                upload(ch, c.start(), c.end(), c.key(node, name));
                a.path = append(a.path, c);
                archived.put(name, boundary);
            }
            for (Optional<List<ArchiveChunk>> run = ArchiveChunk.toMerge(a.path); run.isPresent(); run = ArchiveChunk.toMerge(a.path)) {
                ArchiveChunk m = ArchiveChunk.merged(run.get());
                upload(ch, m.start(), m.end(), m.key(node, name));
                List<ArchiveChunk> next = new ArrayList<>(a.path.subList(0, a.path.size() - run.get().size()));
                next.add(m);
                a.path = next;
                for (ArchiveChunk old : run.get()) repository.delete(old.key(node, name));
            }
        }
    }

    /** A rotated file goes up whole (unless it is there already and nothing was chunked), then leaves the spool. */
    private boolean uploadRotated(Path file) throws IOException {
        String name = file.getFileName().toString();
        Active a = state(name);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (!(a.wholeStored && a.path.isEmpty())) {
                if (EventBoundary.last(ch, Math.max(ArchiveChunk.end(a.path), EventBoundary.MAGIC), size) != size) return false;
                upload(ch, 0, size, BinlogArchive.prefix(node) + "/" + name);
            }
            archived.put(name, Long.MAX_VALUE);
        }
        for (String k : repository.list(ArchiveChunk.dir(node, name))) repository.delete(k);
        known.remove(name);
        Files.delete(file);
        return true;
    }

    private Active state(String name) throws IOException {
        Active a = known.get(name);
        if (a != null) return a;
        a = new Active();
        a.path = ArchiveChunk.path(repository.list(ArchiveChunk.dir(node, name)).stream().flatMap(k -> ArchiveChunk.parse(k).stream()).toList());
        a.wholeStored = repository.exists(BinlogArchive.prefix(node) + "/" + name);
        known.put(name, a);
        if (!a.path.isEmpty()) archived.put(name, ArchiveChunk.end(a.path));
        return a;
    }

    /** Bytes {@code [from, to)} of the spool file into {@code key}; a failed copy leaves no object behind. */
    private void upload(FileChannel ch, long from, long to, String key) throws IOException {
        try (OutputStream out = repository.create(key)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(BUFFER, to - from));
            for (long at = from; at < to; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), to - at));
                int n = ch.read(buf, at);
                if (n < 0) throw new IOException("the spooled " + key + " ended at byte " + at + ", before " + to);
                out.write(buf.array(), 0, n);
                at += n;
            }
        } catch (IOException | RuntimeException e) {
            // Closing published what was written: remove it, or a restore would read a short chunk.
            try {
                repository.delete(key);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static List<ArchiveChunk> append(List<ArchiveChunk> path, ArchiveChunk c) {
        List<ArchiveChunk> next = new ArrayList<>(path);
        next.add(c);
        return next;
    }
}
