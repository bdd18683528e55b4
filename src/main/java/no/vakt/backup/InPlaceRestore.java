package no.vakt.backup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Consumer;
import no.vakt.db.NodeState;
import no.vakt.roles.LiveRole;

/**
 * {@code vakt restore --in-place NODE --datadir DIR}: a node's data directory replaced by a restore. Every slow
 * step happens beside it, in {@code DIR.vakt-restore/} (same file system): the restore into {@code data/} there,
 * then two renames ({@code DIR} to {@code DIR.vakt-old-TIME}, the restored data to {@code DIR}). A marker file
 * records how far it got, so a run that stopped anywhere is resumed or undone by running it again: a restore
 * that did not finish is started over (the node's data untouched), a swap is finished. The old data is kept
 * for the operator to remove.
 */
public final class InPlaceRestore {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** What the marker says. */
    enum Phase { STAGING, STAGED, SWAPPING }

    /** What to do next, from the marker and what exists. */
    public enum Step { RESTORE, RESTART_RESTORE, SWAP, FINISH_SWAP, INCONSISTENT }

    private final Path dataDir;
    private final Path staging;
    private final Clock clock;

    public InPlaceRestore(Path dataDir, Clock clock) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.staging = this.dataDir.resolveSibling(this.dataDir.getFileName() + ".vakt-restore");
        this.clock = clock;
    }

    /** Where the restore is staged (the scratch server's home). */
    public Path staging() {
        return staging;
    }

    /**
     * Pure: why the node may not have its data replaced now, or empty. Any answering server refuses: a live
     * primary or a replica would lose its data under it, and an idle one holds its files open.
     */
    public static Optional<String> refusal(NodeState node) {
        if (!node.reachable()) return Optional.empty();
        String name = node.node().name();
        return Optional.of(switch (LiveRole.of(node)) {
            case PRIMARY -> name + " is a live primary (writable): in place is for a node that is down; fail over or switch over first";
            case STANDBY -> name + " is replicating: stop it first (the standby is the copy that protects the primary)";
            default -> name + "'s mariadbd answers: stop it first (systemctl stop mariadb), its files are open";
        });
    }

    /** Pure: the next step from the marker (empty: none) and which directories exist. */
    static Step next(Optional<Phase> marker, boolean dataDirExists, boolean stagedExists, boolean oldExists) {
        if (marker.isEmpty()) return Step.RESTORE;
        return switch (marker.get()) {
            case STAGING -> Step.RESTART_RESTORE;
            case STAGED -> stagedExists && dataDirExists ? Step.SWAP : Step.INCONSISTENT;
            case SWAPPING -> stagedExists && !dataDirExists && oldExists ? Step.FINISH_SWAP
                    : !stagedExists && dataDirExists ? Step.FINISH_SWAP : Step.INCONSISTENT;
        };
    }

    /** The step this run starts with; {@link Step#RESTART_RESTORE} has already cleared the unfinished restore. */
    public Step begin() throws IOException, BackupFailedException {
        Step step = next(recorded(), Files.isDirectory(dataDir), Files.isDirectory(staging.resolve("data")), oldDir().isPresent());
        if (step == Step.INCONSISTENT) {
            throw new BackupFailedException("an earlier in-place restore left " + staging + " in a state this run cannot continue"
                    + " from; look at it, move it aside, and run again");
        }
        boolean restoring = step == Step.RESTORE || step == Step.RESTART_RESTORE;
        if (restoring && !Files.isDirectory(dataDir.resolve("mysql"))) {
            throw new BackupFailedException(dataDir + " is not a MariaDB data directory (no mysql/): name the node's datadir");
        }
        if (Files.isDirectory(dataDir) && inUse(dataDir)) {
            throw new BackupFailedException("a mariadbd has " + dataDir + " open (ibdata1 is locked): stop it first");
        }
        if (step == Step.RESTART_RESTORE) BaseBackup.deleteTree(staging);
        if (restoring) {
            Files.createDirectories(staging);
            mark(Phase.STAGING);
        }
        return step;
    }

    /** After the restore into {@link #staging()}: the data is complete and the swap may begin. */
    public void staged() throws IOException {
        mark(Phase.STAGED);
    }

    /** The two renames (or the one left), the owner of the old data given to the new; the old data's path. */
    public Path swap(Consumer<String> say) throws IOException {
        Path old = oldDir().orElse(dataDir.resolveSibling(dataDir.getFileName() + ".vakt-old-" + STAMP.format(clock.instant())));
        Path restored = staging.resolve("data");
        if (Files.isDirectory(dataDir) && Files.isDirectory(restored)) {
            giveOwner(dataDir, restored);
            Files.writeString(marker(), Phase.SWAPPING + " " + old + "\n");
            Files.move(dataDir, old, StandardCopyOption.ATOMIC_MOVE);
            say.accept("moved the old data aside: " + old);
        }
        if (Files.isDirectory(restored)) Files.move(restored, dataDir, StandardCopyOption.ATOMIC_MOVE);
        say.accept("restored data in place: " + dataDir);
        BaseBackup.deleteTree(staging);
        return old;
    }

    private Optional<Phase> recorded() throws IOException {
        Path m = marker();
        if (!Files.exists(m)) return Optional.empty();
        return Optional.of(Phase.valueOf(Files.readString(m).strip().split(" ")[0]));
    }

    private Path marker() {
        return staging.resolve("vakt-in-place");
    }

    private void mark(Phase p) throws IOException {
        Files.writeString(marker(), p + "\n");
    }

    /** The old data's path as the marker recorded it while swapping. */
    private Optional<Path> oldDir() throws IOException {
        Path m = marker();
        if (!Files.exists(m)) return Optional.empty();
        String[] parts = Files.readString(m).strip().split(" ", 2);
        return parts.length == 2 && Files.isDirectory(Path.of(parts[1])) ? Optional.of(Path.of(parts[1])) : Optional.empty();
    }

    /**
     * InnoDB holds an fcntl lock on ibdata1 while it runs; Java's FileLock is the same kind of lock, so this finds
     * a server the node check missed (one that did not let Vakt in, or another instance on the same files).
     */
    private static boolean inUse(Path dataDir) throws IOException {
        Path ibdata = dataDir.resolve("ibdata1");
        if (!Files.exists(ibdata)) return false;
        try (FileChannel ch = FileChannel.open(ibdata, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock()) {
            return lock == null;
        }
    }

    /** mariadbd runs as the data's owner (mysql); the restore ran as whoever ran vakt. */
    private static void giveOwner(Path from, Path to) throws IOException {
        PosixFileAttributes a = Files.readAttributes(from, PosixFileAttributes.class);
        UserPrincipal owner = a.owner();
        GroupPrincipal group = a.group();
        if (owner.equals(Files.getOwner(to))) return;
        try (var files = Files.walk(to)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                v.setOwner(owner);
                v.setGroup(group);
            }
        }
    }
}
