package no.vakt.filesync;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The target side of file sync: {@code java -cp vakt.jar no.vakt.filesync.Receiver DIR} (or
 * {@code vakt sync --receive DIR}) reads {@link Wire} operations on stdin and applies them under DIR.
 * Each file is written to a temporary name in its directory, given its mode, owner and mtime, and then
 * renamed over the old one, so a reader sees the old file or the new one, never a partial one. Uses
 * only JDK classes and writes nothing but acknowledgements on stdout.
 */
public final class Receiver {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private final Path root;
    /** Cleared at the first refused chown: only root may give files away, and an unprivileged receiver keeps its own. */
    private boolean canChown = true;
    /** Who this process writes files as, learnt from the first file it creates; chown is skipped when equal. */
    private int ownUid = -1;
    private int ownGid = -1;
    /** Directories under the root already checked to be real directories (only this receiver changes them). */
    private final java.util.Set<Path> knownDirs = new java.util.HashSet<>();
    private final AtomicLong tempCounter = new AtomicLong();
    private final String tempTag = Long.toString(ProcessHandle.current().pid());

    Receiver(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Receiver DIR");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        if (!Files.isDirectory(root)) {
            System.err.println("vakt receiver: " + root + " is not a directory");
            System.exit(1);
        }
        new Receiver(root).serve(System.in, System.out);
    }

    void serve(java.io.InputStream rawIn, OutputStream rawOut) throws IOException {
        removeStaleTemps();
        DataInputStream in = new DataInputStream(new BufferedInputStream(rawIn, 1 << 16));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(rawOut, 1 << 16));
        out.writeInt(Wire.MAGIC);
        out.writeInt(Wire.VERSION);
        out.flush();
        while (true) {
            // Acknowledge in bulk: flush only when the sender has nothing more queued.
            if (in.available() == 0) out.flush();
            int op;
            try {
                op = in.readByte();
            } catch (EOFException e) {
                out.flush();
                return;
            }
            String rel = in.readUTF();
            try {
                long value = switch (op) {
                    case Wire.FILE -> file(rel, in);
                    case Wire.DIR -> dir(rel, in.readInt(), in.readLong(), in.readInt(), in.readInt());
                    case Wire.LINK -> link(rel, in.readUTF(), in.readInt(), in.readInt());
                    case Wire.COUNT -> count(resolve(rel));
                    case Wire.REMOVE -> remove(resolve(rel));
                    default -> throw new IOException("unknown operation " + op);
                };
                out.writeByte(Wire.OK);
                out.writeLong(value);
            } catch (Replace e) {
                out.writeByte(Wire.REPLACE);
                out.writeLong(e.files);
                out.writeUTF(String.valueOf(e.getMessage()));
            } catch (EOFException e) {
                out.flush();
                return; // the sender went away inside an operation
            } catch (IOException | RuntimeException e) {
                out.writeByte(Wire.FAILED);
                out.writeLong(0);
                out.writeUTF(String.valueOf(e.getMessage()));
            }
        }
    }

    /**
     * Streams the body into a temporary file (never whole into memory) and consumes all of it whatever
     * fails, so the stream stays in step: a full disk or a refused name fails this file alone.
     */
    private long file(String rel, DataInputStream in) throws IOException {
        int mode = in.readInt();
        long mtime = in.readLong();
        int uid = in.readInt();
        int gid = in.readInt();
        long length = in.readLong();
        IOException failure = null;
        Path dest = null;
        Path tmp = null;
        BasicFileAttributes old = null;
        OutputStream body = null;
        try {
            dest = resolve(rel);
            parent(dest);
            old = attributesOrNull(dest);
            if (old != null && old.isDirectory()) emptyDirectoryOnly(dest, rel); // a directory became a file
            tmp = dest.resolveSibling(Wire.TEMP_PREFIX + tempTag + "-" + tempCounter.incrementAndGet());
            body = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            failure = e;
        }
        try {
            byte[] buf = new byte[1 << 16];
            for (long left = length; left > 0; ) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) throw new EOFException("stream ended inside " + rel);
                left -= n;
                if (failure != null) continue;
                try {
                    body.write(buf, 0, n);
                } catch (IOException e) {
                    failure = e; // ENOSPC, EIO...: keep reading the body, answer FAILED
                }
            }
            boolean complete = in.readBoolean();
            if (body != null) {
                try {
                    body.close();
                } catch (IOException e) {
                    if (failure == null) failure = e;
                }
            }
            if (failure != null) throw failure;
            if (!complete) return 0; // changed while read: the sender sends it again
            if (ownUid < 0) {
                ownUid = (Integer) Files.getAttribute(tmp, "unix:uid", NOFOLLOW);
                ownGid = (Integer) Files.getAttribute(tmp, "unix:gid", NOFOLLOW);
            }
            if (uid != ownUid || gid != ownGid) chown(tmp, uid, gid);
            Files.setAttribute(tmp, "unix:mode", mode & 07777);
            Files.setLastModifiedTime(tmp, FileTime.from(mtime, TimeUnit.NANOSECONDS));
            if (old != null && old.isDirectory()) remove(dest); // empty, checked above
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            if (body != null) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // Reported above when it mattered.
                }
            }
            if (tmp != null) Files.deleteIfExists(tmp);
        }
        return old != null ? 0 : 1;
    }

    /** Refuses to replace a directory that holds files: that is a deletion, which the sender's guard counts. */
    private static void emptyDirectoryOnly(Path dest, String rel) throws IOException {
        long files = count(dest);
        if (files > 0) throw new Replace(files, rel + " is a directory holding " + files + " file(s) on the target");
    }

    /** The answer REPLACE: doing the operation would delete {@code files} files, so nothing was done. */
    static final class Replace extends IOException {
        final long files;

        Replace(long files, String message) {
            super(message);
            this.files = files;
        }
    }

    private static BasicFileAttributes attributesOrNull(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void parent(Path dest) throws IOException {
        Path parent = dest.getParent();
        if (knownDirs.contains(parent)) return;
        Files.createDirectories(parent);
        knownDirs.add(parent);
    }

    private long dir(String rel, int mode, long mtime, int uid, int gid) throws IOException {
        Path dest = resolve(rel);
        if (Files.exists(dest, NOFOLLOW) && !Files.isDirectory(dest, NOFOLLOW)) {
            throw new Replace(1, rel + " is a file on the target"); // a file became a directory
        }
        Files.createDirectories(dest);
        attributes(dest, mode, uid, gid);
        Files.setLastModifiedTime(dest, FileTime.from(mtime, TimeUnit.NANOSECONDS));
        return 0;
    }

    private long link(String rel, String linkTarget, int uid, int gid) throws IOException {
        Path dest = resolve(rel);
        Files.createDirectories(dest.getParent());
        boolean existed = Files.exists(dest, NOFOLLOW);
        if (Files.isDirectory(dest, NOFOLLOW)) {
            emptyDirectoryOnly(dest, rel); // a directory became a symlink
            remove(dest);
        }
        knownDirs.removeIf(d -> d.startsWith(dest));
        Path tmp = dest.resolveSibling(Wire.TEMP_PREFIX + tempTag + "-" + tempCounter.incrementAndGet());
        try {
            Files.createSymbolicLink(tmp, Path.of(linkTarget));
            chown(tmp, uid, gid);
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return existed ? 0 : 1;
    }

    private void attributes(Path p, int mode, int uid, int gid) throws IOException {
        // Owner first: chown clears setuid/setgid bits, chmod afterwards puts them back.
        chown(p, uid, gid);
        Files.setAttribute(p, "unix:mode", mode & 07777);
    }

    private void chown(Path p, int uid, int gid) throws IOException {
        if (!canChown) return;
        try {
            Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
            Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
        } catch (java.nio.file.FileSystemException e) {
            canChown = false;
        }
    }

    static long count(Path p) throws IOException {
        if (!Files.exists(p, NOFOLLOW)) return 0;
        if (!Files.isDirectory(p, NOFOLLOW)) return 1;
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(x -> !Files.isDirectory(x, NOFOLLOW)).count();
        }
    }

    private long remove(Path p) throws IOException {
        knownDirs.removeIf(d -> d.startsWith(p));
        if (p.equals(root)) throw new IOException("refusing to remove the root " + root);
        if (!Files.exists(p, NOFOLLOW)) return 0;
        if (!Files.isDirectory(p, NOFOLLOW)) {
            Files.deleteIfExists(p);
            return 1;
        }
        long[] removed = {0};
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                if (Files.deleteIfExists(f)) removed[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                try {
                    Files.deleteIfExists(d);
                } catch (DirectoryNotEmptyException ignored) {
                    // Something appeared meanwhile; the next reconcile settles it.
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return removed[0];
    }

    /** The absolute path for {@code rel}, refusing anything that would leave the root or pass through a symlink. */
    Path resolve(String rel) throws IOException {
        if (rel.isEmpty() || rel.startsWith("/")) throw new IOException("not a relative path: " + rel);
        Path p = root;
        String[] parts = rel.split("/");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.equals(".") || part.equals("..")) throw new IOException("bad path: " + rel);
            p = p.resolve(part);
            if (i < parts.length - 1 && !knownDirs.contains(p) && Files.isSymbolicLink(p)) {
                throw new IOException("refusing to write through the symlink " + root.relativize(p));
            }
        }
        return p;
    }

    private void removeStaleTemps() {
        // A receiver killed mid-write leaves its temporary file; nobody else uses the prefix.
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> p.getFileName() != null && p.getFileName().toString().startsWith(Wire.TEMP_PREFIX))
                    .forEach(p -> {
                        try {
                            Files.deleteIfExists(p);
                        } catch (IOException ignored) {
                            // Best effort; rsync's reconcile excludes them anyway.
                        }
                    });
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // An unreadable corner is reported by the operations that touch it.
        } catch (RuntimeException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) throw e;
        }
    }
}
