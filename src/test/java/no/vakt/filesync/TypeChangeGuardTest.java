package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import no.vakt.alert.AlertKind;
import no.vakt.lab.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deletions the delete guard must see whatever shape they take: a directory replaced by a file or a symlink
 * (the receiver never deletes a tree on its own), and deletions that appear between a reconcile's dry run
 * and its real run (the real run deletes at most what the dry run's verdict allowed).
 */
class TypeChangeGuardTest {
    private static SyncFixture fx;
    private FileSyncService service;

    @BeforeAll
    static void sshd() throws IOException {
        fx = SyncFixture.start(null);
    }

    @AfterAll
    static void stop() {
        if (fx != null) fx.close();
    }

    @BeforeEach
    void clean() throws IOException {
        fx.alerts.clear();
        for (Path d : new Path[] {fx.primaryDir, fx.standbyDir}) {
            MariaDbServer.deleteTree(d);
            Files.createDirectories(d);
        }
        Files.deleteIfExists(fx.dir.resolve(".vakt").resolve(GuardFile.NAME));
    }

    @AfterEach
    void close() {
        if (service != null) service.close();
        service = null;
    }

    private void start(Runnable beforeMirror) {
        var cfg = fx.config();
        service = new FileSyncService(cfg, fx.configFile, () -> FileSyncDirections.initial(cfg), Clock.systemUTC(),
                fx.alertSink, System.out::println, false);
        service.beforeMirror = beforeMirror;
        service.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> dir().lastReconcile() != null);
    }

    private DirectoryStatus dir() {
        return service.snapshot().directories().get(0);
    }

    private static void awaitSame() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                assertThat(SyncFixture.tree(fx.standbyDir)).isEqualTo(SyncFixture.tree(fx.primaryDir)));
    }

    private static long files(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /** uploads/2024 and uploads/2025 with 60 files each, and 20 more at the top: 140 on both sides. */
    private void twoYears() throws IOException {
        for (String year : new String[] {"2024", "2025"}) {
            Files.createDirectories(fx.primaryDir.resolve(year));
            for (int i = 0; i < 60; i++) Files.writeString(fx.primaryDir.resolve(year + "/img" + i + ".jpg"), year + i);
        }
        for (int i = 0; i < 20; i++) Files.writeString(fx.primaryDir.resolve("top" + i), "t" + i);
        start(() -> { });
        awaitSame();
        assertThat(files(fx.standbyDir)).isEqualTo(140);
    }

    @Test
    void aDirectoryReplacedByAFileIsHeldLikeAnyDeletion() throws IOException {
        twoYears();
        MariaDbServer.deleteTree(fx.primaryDir.resolve("2024"));
        Files.writeString(fx.primaryDir.resolve("2024"), "a plain file where the directory was");

        await().atMost(Duration.ofSeconds(20)).until(() -> dir().deleteGuard() != null);
        assertThat(dir().deleteGuard()).contains("60");
        assertThat(fx.alerts).anySatisfy(a -> assertThat(a.kind()).isEqualTo(AlertKind.FILE_SYNC_DELETE_GUARD));
        // Held: the sixty are all still there, and stay so.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> files(fx.standbyDir.resolve("2024")) == 60);
        assertThat(service.snapshot().deletes()).isZero();

        // Restarted while held: its reconcile cannot make the change (rsync would have to delete), yet it
        // completes, and new uploads keep arriving.
        service.close();
        start(() -> { });
        Files.writeString(fx.primaryDir.resolve("2025/after-restart.jpg"), "new");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(fx.standbyDir.resolve("2025/after-restart.jpg")));
        assertThat(files(fx.standbyDir.resolve("2024"))).isEqualTo(60);
        assertThat(dir().deleteGuard()).isNotNull();
    }

    @Test
    void aDirectoryReplacedByASymlinkIsHeldLikeAnyDeletion() throws IOException {
        twoYears();
        MariaDbServer.deleteTree(fx.primaryDir.resolve("2024"));
        Files.createSymbolicLink(fx.primaryDir.resolve("2024"), Path.of("2025"));

        await().atMost(Duration.ofSeconds(20)).until(() -> dir().deleteGuard() != null);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> Files.isDirectory(fx.standbyDir.resolve("2024"), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && files(fx.standbyDir.resolve("2024")) == 60);
        assertThat(service.snapshot().deletes()).isZero();
    }

    @Test
    void smallTypeChangesWithinTheGuardStillHappen() throws IOException {
        twoYears();
        // A directory of three files becomes a file; a file becomes a directory with files in it.
        Files.createDirectories(fx.primaryDir.resolve("small"));
        for (int i = 0; i < 3; i++) Files.writeString(fx.primaryDir.resolve("small/s" + i), "s" + i);
        awaitSame();
        MariaDbServer.deleteTree(fx.primaryDir.resolve("small"));
        Files.writeString(fx.primaryDir.resolve("small"), "now a file");
        Files.delete(fx.primaryDir.resolve("top0"));
        Files.createDirectories(fx.primaryDir.resolve("top0"));
        Files.writeString(fx.primaryDir.resolve("top0/inside"), "now a directory");
        awaitSame();
        assertThat(dir().deleteGuard()).isNull();
        assertThat(service.snapshot().deletes()).isEqualTo(4);
    }

    @Test
    void anErrorInThePusherIsShownAndRetriedNeverEndingTheThread() throws IOException {
        Files.writeString(fx.primaryDir.resolve("before.txt"), "copied once the reconcile is retried");
        AtomicBoolean thrown = new AtomicBoolean();
        var cfg = fx.config();
        service = new FileSyncService(cfg, fx.configFile, () -> FileSyncDirections.initial(cfg), Clock.systemUTC(),
                fx.alertSink, System.out::println, false);
        service.beforeMirror = () -> {
            if (thrown.compareAndSet(false, true)) throw new OutOfMemoryError("Java heap space (test)");
        };
        service.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(fx.standbyDir.resolve("before.txt")));
        assertThat(thrown).isTrue();
        Files.writeString(fx.primaryDir.resolve("after.txt"), "the pusher is alive");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(fx.standbyDir.resolve("after.txt")));
    }

    @Test
    void theReconcileDeletesNoMoreThanItsDryRunAllowed() throws IOException {
        for (int i = 0; i < 100; i++) Files.writeString(fx.primaryDir.resolve("file" + i), "data" + i);
        for (int i = 0; i < 100; i++) Files.writeString(fx.standbyDir.resolve("file" + i), "data" + i);
        // Two deletions for the start-up reconcile's dry run (allowed), fifty more before its real run.
        Files.delete(fx.primaryDir.resolve("file0"));
        Files.delete(fx.primaryDir.resolve("file1"));
        AtomicBoolean once = new AtomicBoolean();
        start(() -> {
            if (!once.compareAndSet(false, true)) return;
            try {
                for (int i = 2; i < 52; i++) Files.delete(fx.primaryDir.resolve("file" + i));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(once).isTrue();
        // Two of the 52 the source lacked by then (rsync picks which), not all of them.
        assertThat(files(fx.standbyDir)).isEqualTo(98);
        // The next reconcile (asked for at once) judges the fifty, and holds them.
        await().atMost(Duration.ofSeconds(30)).until(() -> dir().deleteGuard() != null);
        assertThat(dir().deleteGuard()).contains("50");
        assertThat(files(fx.standbyDir)).isGreaterThanOrEqualTo(98);
    }
}
