package no.vakt.backup;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * A repository in a local directory (or a mounted one). Owner-only: a backup is the whole database.
 * Each file is written under a temporary name and renamed when complete, so a reader never sees half
 * of one, and a crashed take leaves only a {@code .part} behind.
 */
public final class LocalRepository implements Repository {
    private final Path root;

    public LocalRepository(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The file behind {@code key}; a key never leaves the root. */
    public Path file(String key) {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) throw new IllegalArgumentException("not a key inside the repository: " + key);
        return p;
    }

    @Override
    public OutputStream create(String key) throws IOException {
        Path target = file(key);
        makeDirs(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Files.deleteIfExists(part);
        Files.createFile(part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(part, java.nio.file.StandardOpenOption.WRITE);
        return new FilterOutputStream(java.nio.channels.Channels.newOutputStream(channel)) {
            private boolean closed;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (closed) return;
                closed = true;
                // On disk before it gets its name, and the name on disk before the caller goes on (the manifest
                // is written last): a power cut never leaves a whole-looking file with lost blocks.
                try (channel) {
                    out.flush();
                    channel.force(true);
                }
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(target.getParent());
            }
        };
    }

    /** fsync of a directory (Linux allows opening one for reading), so a rename in it survives a power cut. */
    private static void syncDirectory(Path dir) throws IOException {
        try (java.nio.channels.FileChannel d = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(file(key));
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(file(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        Path dir = prefix.isEmpty() ? root : file(prefix);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> root.relativize(p).toString())
                    .filter(k -> !k.endsWith(".part"))
                    .sorted().toList();
        }
    }

    @Override
    public long size(String key) throws IOException {
        return Files.size(file(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Path p = file(key);
        Files.deleteIfExists(p);
        Path dir = p.getParent();
        // A backup's directory goes with its last file.
        if (!dir.equals(root) && Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isEmpty()) Files.delete(dir);
            }
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private void makeDirs(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        if (!dir.equals(root)) makeDirs(dir.getParent());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
