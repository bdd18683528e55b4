package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.Severity;
import no.vakt.server.FileSyncBacklog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The standby's directory is a small tmpfs (a full disk, then a read-only one): what the receiver cannot
 * write or delete stays pending, counts as a failed push, turns the directory FAILING and alerts, and
 * arrives within the backoff once the disk can take it, not at the hourly reconcile. Needs root (mount).
 */
class ReceiverFailureTest {
    private SyncFixture fx;
    private boolean mounted;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "skipped: mounting a small tmpfs as the standby's directory needs root");
        fx = SyncFixture.start("  max-behind: 8s\n");
        mount("-t", "tmpfs", "-o", "size=300k", "tmpfs", fx.standbyDir.toString());
        mounted = true;
    }

    @AfterEach
    void tearDown() throws IOException {
        if (mounted) mount("-o", "remount,rw", fx.standbyDir.toString());
        if (mounted) run(List.of("umount", "-l", fx.standbyDir.toString()));
        if (fx != null) fx.close();
    }

    private static void mount(String... args) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of("mount"));
        argv.addAll(List.of(args));
        run(argv);
    }

    private static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) throw new IOException(argv + ": " + out);
    }

    private FileSyncService start() {
        var cfg = fx.config();
        FileSyncService s = new FileSyncService(cfg, fx.configFile, () -> FileSyncDirections.initial(cfg), Clock.systemUTC(),
                fx.alertSink, System.out::println, false);
        s.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> s.snapshot().directories().get(0).lastReconcile() != null);
        return s;
    }

    private List<Alert> behindAlerts() {
        return fx.alerts.stream().filter(a -> a.kind() == AlertKind.FILE_SYNC_BEHIND).toList();
    }

    @Test
    void aFullTargetKeepsUploadsPendingFailingAndAlertedUntilSpaceIsFreed() throws IOException {
        try (FileSyncService service = start()) {
            byte[] upload = new byte[60_000];
            new java.util.Random(7).nextBytes(upload);
            for (int i = 0; i < 10; i++) Files.write(fx.primaryDir.resolve("upload" + i + ".jpg"), upload);

            // The disk takes about five: the rest is still pending, not "delivered".
            await().atMost(Duration.ofSeconds(30)).until(() -> service.snapshot().directories().get(0).failing());
            FileSyncSnapshot s = service.snapshot();
            assertThat(s.pendingChanges()).isPositive();
            assertThat(s.pushFailures()).isGreaterThanOrEqualTo(DirectorySync.FAILING_AFTER);
            assertThat(s.condition()).isEqualTo("failing");
            assertThat(s.directories().get(0).lastError()).contains("No space left on device");
            assertThat(s.problems()).anySatisfy(p -> assertThat(p).contains("failing"));
            // What the dashboard's banner and the vakt_filesync_failing gauge read.
            assertThat(FileSyncBacklog.of(s).needsAttention()).isTrue();
            assertThat(FileSyncBacklog.of(s).directories()).singleElement()
                    .satisfies(d -> assertThat(d.failing()).isTrue());
            assertThat(standbyFiles()).isLessThan(10);
            await().atMost(Duration.ofSeconds(5)).until(() -> !behindAlerts().isEmpty());
            assertThat(behindAlerts().get(0).severity()).isEqualTo(Severity.WARNING);
            assertThat(behindAlerts().get(0).node()).isEqualTo("bergen-db");
            assertThat(behindAlerts().get(0).evidence()).contains("No space left on device");

            // Past max-behind (8 s) while still failing: CRITICAL.
            await().atMost(Duration.ofSeconds(30)).until(() -> behindAlerts().stream()
                    .anyMatch(a -> a.severity() == Severity.CRITICAL));
            assertThat(service.snapshot().oldestUnsyncedMs()).isGreaterThan(8000);

            // Space freed: everything arrives within the backoff (30 s at most), not at the hourly reconcile.
            mount("-o", "remount,size=4m", fx.standbyDir.toString());
            await().atMost(Duration.ofSeconds(45)).until(() -> standbyFiles() == 10);
            await().atMost(Duration.ofSeconds(5)).until(() -> service.snapshot().condition().equals("in-sync"));
            assertThat(SyncFixture.tree(fx.standbyDir)).isEqualTo(SyncFixture.tree(fx.primaryDir));
            await().atMost(Duration.ofSeconds(5)).until(() -> fx.alerts.stream()
                    .anyMatch(a -> a.kind() == AlertKind.FILE_SYNC_CAUGHT_UP));
        }
    }

    @Test
    void aReadOnlyTargetKeepsDeletionsAndWritesPendingUntilItIsWritable() throws IOException {
        Files.writeString(fx.primaryDir.resolve("old.txt"), "to be deleted");
        try (FileSyncService service = start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(fx.standbyDir.resolve("old.txt")));
            mount("-o", "remount,ro", fx.standbyDir.toString());
            Files.delete(fx.primaryDir.resolve("old.txt"));
            Files.writeString(fx.primaryDir.resolve("new.txt"), "to be written");

            await().atMost(Duration.ofSeconds(30)).until(() -> service.snapshot().directories().get(0).failing());
            FileSyncSnapshot s = service.snapshot();
            assertThat(s.pendingChanges()).isEqualTo(2);
            assertThat(s.deletes()).isZero();
            assertThat(s.directories().get(0).lastError()).contains("Read-only file system");
            assertThat(fx.standbyDir.resolve("old.txt")).exists();

            mount("-o", "remount,rw", fx.standbyDir.toString());
            await().atMost(Duration.ofSeconds(45)).until(() -> Files.exists(fx.standbyDir.resolve("new.txt"))
                    && !Files.exists(fx.standbyDir.resolve("old.txt")));
            await().atMost(Duration.ofSeconds(5)).until(() -> service.snapshot().pendingChanges() == 0
                    && !service.snapshot().directories().get(0).failing());
            assertThat(service.snapshot().deletes()).isEqualTo(1);
        }
    }

    private long standbyFiles() throws IOException {
        try (var s = Files.walk(fx.standbyDir)) {
            return s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(Wire.TEMP_PREFIX)).count();
        }
    }
}
