package no.vakt.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process at a time acts on a cluster: an exclusive OS lock on a file beside the journal
 * ({@code journal.db.lock}), held by {@code vakt run} for its whole life and by promote, switchover,
 * rejoin, traffic apply and drill while they act. The OS releases it when the process ends, kill -9
 * included, so a stale lock never needs clearing by hand.
 *
 * <p>The file holds who has it ({@link Holder}, JSON) for the refusal message and, for a daemon, its
 * API address, so the CLI can hand its action to the daemon instead. Nothing secret goes in it.
 */
public final class ClusterLock implements AutoCloseable {
    private static final ObjectMapper JSON = JournalJson.mapper();

    /**
     * Who holds the lock.
     *
     * @param started when the holding process started (with host and pid it names one process)
     * @param command what it runs, e.g. {@code vakt run}
     * @param api the daemon's API address, null when it serves none (or is not a daemon)
     */
    public record Holder(String host, long pid, Instant started, String command, String api) {
        public Holder withApi(String url) {
            return new Holder(host, pid, started, command, url);
        }

        /** "vakt run (pid 4711 on db1, since 2026-12-07T02:00:00Z)". */
        public String describe() {
            return command + " (pid " + pid + " on " + host + ", since " + started + ")";
        }
    }

    /** The cluster is held by another process; {@link #holder()} is empty when its file could not be read. */
    public static final class HeldException extends RuntimeException {
        private final transient Holder holder;

        public HeldException(Path file, Holder holder) {
            super("another Vakt process acts on this cluster: " + (holder == null ? "see " + file : holder.describe())
                    + "; one process at a time (lock " + file + ")");
            this.holder = holder;
        }

        public Optional<Holder> holder() {
            return Optional.ofNullable(holder);
        }
    }

    /**
     * The locks this JVM holds, by file. POSIX record locks belong to the process, and closing ANY descriptor of
     * the file drops them all: inside the holding JVM the file is therefore never opened again, the holder is
     * answered from here.
     */
    private static final ConcurrentHashMap<Path, ClusterLock> HELD = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private Holder holder;

    private ClusterLock(Path file, FileChannel channel, FileLock lock, Holder holder) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /** The lock file of the journal {@code journal}. */
    public static Path fileFor(Path journal) {
        Path abs = journal.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".lock");
    }

    /**
     * Takes the cluster for this process, naming it {@code command}; refuses at once (never waits) with
     * {@link HeldException} naming the holder when another process (or another part of this one) has it.
     */
    public static ClusterLock acquire(Path journal, String command) {
        Path file = fileFor(journal);
        synchronized (HELD) {
            ClusterLock mine = HELD.get(file);
            if (mine != null) throw new HeldException(file, mine.holder());
            ClusterLock taken = take(file, command);
            HELD.put(file, taken);
            return taken;
        }
    }

    private static ClusterLock take(Path file, String command) {
        FileChannel channel = null;
        try {
            if (!Files.isDirectory(file.getParent())) {
                // As the journal's own directory: evidence lives there, owner-only from the start.
                Files.createDirectories(file.getParent(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new HeldException(file, read(file).orElse(null));
            }
            ClusterLock held = new ClusterLock(file, channel, lock, self(command));
            held.writeHolder();
            return held;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new JournalException("cannot take the cluster lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Who holds the lock of {@code journal} now; empty when nobody does. */
    public static Optional<Holder> holder(Path journal) {
        Path file = fileFor(journal);
        ClusterLock mine = HELD.get(file);
        if (mine != null) return Optional.of(mine.holder());
        if (!Files.exists(file)) return Optional.empty();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe != null) {
                probe.release();
                return Optional.empty();
            }
        } catch (IOException e) {
            // Unreadable: report what the file says, if anything.
        }
        return read(file);
    }

    /** This process, as a lock holder names it. */
    public static Holder self(String command) {
        ProcessHandle me = ProcessHandle.current();
        return new Holder(hostName(), me.pid(), me.info().startInstant().orElse(null), command, null);
    }

    /**
     * Whether the process {@code host}/{@code pid} started at {@code started} still runs. Only this host's
     * processes can be seen: for another host the answer is {@code Optional.empty()} (unknown).
     */
    public static Optional<Boolean> alive(String host, long pid, Instant started) {
        if (host == null || !host.equals(hostName())) return Optional.empty();
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (p.isEmpty()) return Optional.of(false);
        Optional<Instant> start = p.get().info().startInstant();
        if (started == null || start.isEmpty()) return Optional.of(true);
        // The same pid reused by a later process is not the owner (start times are to a clock tick).
        return Optional.of(Duration.between(started, start.get()).abs().compareTo(Duration.ofSeconds(1)) <= 0);
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }

    /** Whether this process still holds the lock (false once closed). */
    public synchronized boolean held() {
        return lock.isValid() && channel.isOpen();
    }

    public synchronized Holder holder() {
        return holder;
    }

    /** Publishes the daemon's API address in the lock file, so the CLI hands its actions to the daemon. */
    public synchronized void advertise(String apiUrl) {
        holder = holder.withApi(apiUrl);
        try {
            writeHolder();
        } catch (IOException e) {
            throw new JournalException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        HELD.remove(file, this);
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it too.
        }
        closeQuietly(channel);
    }

    private void writeHolder() throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(holder);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(bytes), 0);
        channel.force(true);
    }

    private static Optional<Holder> read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.isBlank() ? Optional.empty() : Optional.of(JSON.readValue(text, Holder.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing held through it any more
        }
    }
}
