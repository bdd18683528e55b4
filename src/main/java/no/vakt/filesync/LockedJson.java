package no.vakt.filesync;

import com.fasterxml.jackson.databind.JavaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * One small JSON document in {@code .vakt/} that several Vakt processes on the host read and change (the
 * daemon, {@code vakt sync}, {@code vakt rejoin}): read without a lock (it is replaced atomically), changed
 * read-modify-write under an exclusive lock on {@code FILE.lock} (a {@link FileLock} for other processes,
 * a monitor for other threads of this one, since a JVM may hold one file lock only once).
 */
final class LockedJson<T> {
    private static final ConcurrentHashMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private final Path file;
    private final JavaType type;
    private final T empty;

    LockedJson(Path file, Class<T> type, T empty) {
        this.file = file.toAbsolutePath().normalize();
        this.type = StatusFile.JSON.getTypeFactory().constructType(type);
        this.empty = empty;
    }

    Path file() {
        return file;
    }

    /** The document as last written; {@code empty} when there is none. Throws when it cannot be read. */
    T read() {
        try {
            if (!Files.exists(file)) return empty;
            T v = StatusFile.JSON.readValue(file.toFile(), type);
            return v == null ? empty : v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Applies {@code change} to the current document under the lock and writes the result; returns it. */
    T update(UnaryOperator<T> change) {
        Object monitor = MONITORS.computeIfAbsent(file, f -> new Object());
        synchronized (monitor) {
            try {
                Files.createDirectories(file.getParent());
                Path lock = file.resolveSibling(file.getFileName() + ".lock");
                try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock ignored = ch.lock()) {
                    T before = read();
                    T after = change.apply(before);
                    if (after != null && !after.equals(before)) write(after);
                    return after == null ? before : after;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot update " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private void write(T value) throws IOException {
        StatusFile.write(file, value);
    }
}
