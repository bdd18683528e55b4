package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The archive as restores and the prune read it: each node's binlogs, a rotated one whole
 * ({@code binlog/NODE/FILE}), the one being written as chunks ({@link ArchiveChunk}); both when a rotation's
 * upload finished and its chunks are not removed yet.
 */
final class ArchivedBinlogs {
    private final Repository repository;

    ArchivedBinlogs(Repository repository) {
        this.repository = repository;
    }

    /**
     * One archived binlog.
     *
     * @param whole the key of the whole file; null when it is archived as chunks only
     * @param chunks the chunks from its first byte, in order ({@link ArchiveChunk#path})
     * @param chunkKeys every chunk object of it, the ones the path skips included (for removal)
     */
    record Stored(String node, String name, String whole, List<ArchiveChunk> chunks, List<String> chunkKeys) {
        List<String> keys() {
            List<String> all = new ArrayList<>(chunkKeys);
            if (whole != null) all.add(0, whole);
            return all;
        }
    }

    /** The nodes with anything archived, sorted. */
    List<String> nodes() throws IOException {
        TreeSet<String> out = new TreeSet<>();
        for (String prefix : List.of(BinlogArchive.PREFIX, ArchiveChunk.PREFIX)) {
            for (String k : repository.list(prefix)) out.add(k.substring(prefix.length() + 1));
        }
        return List.copyOf(out);
    }

    /** {@code node}'s archived binlogs, in order. */
    List<Stored> files(String node) throws IOException {
        TreeMap<String, String> whole = new TreeMap<>();
        for (String k : repository.list(BinlogArchive.prefix(node))) whole.put(name(k), k);
        TreeSet<String> chunked = new TreeSet<>();
        for (String d : repository.list(ArchiveChunk.PREFIX + "/" + node)) chunked.add(name(d));
        TreeSet<String> names = new TreeSet<>(whole.keySet());
        names.addAll(chunked);
        List<Stored> out = new ArrayList<>();
        for (String n : names) {
            // One listing per binlog that has chunks (one or two), not per archived binlog (thousands, on S3).
            List<String> keys = chunked.contains(n) ? repository.list(ArchiveChunk.dir(node, n)) : List.of();
            List<ArchiveChunk> chunks = keys.stream().flatMap(k -> ArchiveChunk.parse(k).stream()).toList();
            out.add(new Stored(node, n, whole.get(n), ArchiveChunk.path(chunks), keys));
        }
        return out;
    }

    /** The file's bytes: the whole file, else its chunks one after the other, each opened when the last is read. */
    InputStream open(Stored f) throws IOException {
        if (f.whole() != null) return repository.open(f.whole());
        Iterator<ArchiveChunk> chunks = f.chunks().iterator();
        return new SequenceInputStream(new Enumeration<InputStream>() {
            @Override
            public boolean hasMoreElements() {
                return chunks.hasNext();
            }

            @Override
            public InputStream nextElement() {
                if (!chunks.hasNext()) throw new NoSuchElementException();
                try {
                    return repository.open(chunks.next().key(f.node(), f.name()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    /** The GTID position the file begins after, from its header ({@link BinlogHeader}): its first bytes only. */
    String startsAfter(Stored f) throws IOException {
        try (InputStream in = open(f)) {
            return BinlogHeader.startsAfter(in);
        }
    }

    /**
     * Copies the file to {@code to}. With both a whole file and chunks, the longer wins: an archive written by an
     * older Vakt kept the active binlog as a whole file, re-copied as it grew.
     */
    void copy(Stored f, Path to) throws IOException {
        if (f.whole() != null) {
            try (InputStream in = repository.open(f.whole())) {
                Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
            }
            if (f.chunks().isEmpty() || ArchiveChunk.end(f.chunks()) <= Files.size(to)) return;
        }
        Path part = to.resolveSibling(to.getFileName() + ".chunks");
        try (OutputStream out = Files.newOutputStream(part)) {
            for (ArchiveChunk c : f.chunks()) {
                String key = c.key(f.node(), f.name());
                long got;
                try (InputStream in = repository.open(key)) {
                    got = in.transferTo(out);
                }
                if (got != c.end() - c.start()) throw new IOException(key + " holds " + got + " bytes, not the " + (c.end() - c.start()) + " its name says");
            }
        }
        Files.move(part, to, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String name(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
