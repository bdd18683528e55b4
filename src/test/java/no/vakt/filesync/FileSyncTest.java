package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.Severity;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Live sync through a real sshd, the receiver and rsync: what the source does, the target shows. */
class FileSyncTest {
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
            no.vakt.lab.MariaDbServer.deleteTree(d);
            Files.createDirectories(d);
        }
        // Each test starts without a hold or a window of earlier deletions (they are kept across restarts).
        Files.deleteIfExists(fx.dir.resolve(".vakt").resolve(GuardFile.NAME));
    }

    @AfterEach
    void close() {
        if (service != null) service.close();
        service = null;
    }

    private FileSyncService start(VaktConfig cfg) {
        service = new FileSyncService(cfg, fx.configFile, () -> FileSyncDirections.initial(cfg), Clock.systemUTC(), fx.alertSink,
                line -> System.out.println(line), false);
        service.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> service.snapshot().directories().get(0).lastReconcile() != null);
        return service;
    }

    private static void awaitSame() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(() ->
                assertThat(SyncFixture.tree(fx.standbyDir)).isEqualTo(SyncFixture.tree(fx.primaryDir)));
    }

    @Test
    void createsModifiesRenamesAndDeletesDeepTreesWithAnyName() throws IOException {
        Files.writeString(fx.primaryDir.resolve("before start.txt"), "copied by the start-up reconcile");
        start(fx.config());
        awaitSame();

        Path deep = fx.primaryDir;
        for (int i = 0; i < 12; i++) deep = deep.resolve("level " + i);
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("bottom.txt"), "deep");
        Files.writeString(fx.primaryDir.resolve("blåbær og ørret – 日本語 ✓.txt"), "unicode");
        Path script = fx.primaryDir.resolve("run me.sh");
        Files.writeString(script, "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(script, FileTime.from(1_000_000_000L, TimeUnit.SECONDS));
        Files.createSymbolicLink(fx.primaryDir.resolve("link to deep"), Path.of("level 0"));
        awaitSame();
        assertThat(Files.readString(fx.standbyDir.resolve("blåbær og ørret – 日本語 ✓.txt"))).isEqualTo("unicode");

        Files.writeString(fx.primaryDir.resolve("before start.txt"), "modified, and longer than before");
        Files.move(fx.primaryDir.resolve("run me.sh"), fx.primaryDir.resolve("renamed me.sh"));
        Files.move(fx.primaryDir.resolve("level 0"), fx.primaryDir.resolve("moved level 0"));
        Files.writeString(fx.primaryDir.resolve("moved level 0/level 1/new after move.txt"), "watched at its new name");
        awaitSame();

        Files.delete(fx.primaryDir.resolve("renamed me.sh"));
        no.vakt.lab.MariaDbServer.deleteTree(fx.primaryDir.resolve("moved level 0/level 1/level 2"));
        Files.createDirectories(fx.primaryDir.resolve("empty dir"));
        awaitSame();
        assertThat(fx.standbyDir.resolve("moved level 0/level 1/level 2")).doesNotExist();

        FileSyncSnapshot s = service.snapshot();
        assertThat(s.state()).isEqualTo("running");
        assertThat(s.filesSent()).isGreaterThanOrEqualTo(6);
        assertThat(s.deletes()).isGreaterThanOrEqualTo(2);
        assertThat(s.pushFailures()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> service.snapshot().pendingChanges() == 0
                && service.snapshot().oldestUnsyncedMs() == 0);
        assertThat(fx.alerts).isEmpty();
    }

    @Test
    void aLostEventQueueIsRepairedByAFullReconcile() throws IOException {
        start(fx.config());
        Files.createDirectories(fx.primaryDir.resolve("flood"));
        Files.writeString(fx.primaryDir.resolve("flood/keep.txt"), "x");
        awaitSame();
        java.time.Instant firstReconcile = service.snapshot().directories().get(0).lastReconcile();

        // The JDK drops events past 512 per directory while nobody takes them: hold them, flood, release.
        service.holdEvents(true);
        for (int i = 0; i < 2000; i++) Files.writeString(fx.primaryDir.resolve("flood/f" + i), "n" + i);
        Files.delete(fx.primaryDir.resolve("flood/keep.txt"));
        service.holdEvents(false);

        awaitSame();
        assertThat(service.snapshot().directories().get(0).lastReconcile()).isAfter(firstReconcile);
        assertThat(fx.standbyDir.resolve("flood/f1999")).hasContent("n1999");
    }

    private DirectoryStatus dir() {
        return service.snapshot().directories().get(0);
    }

    /** The delete guard's reason now, "" when nothing is held back. */
    private String guard() {
        String g = dir().deleteGuard();
        return g == null ? "" : g;
    }

    /**
     * For what waits on a delete guard re-check: at most every 10 s, or ten times as long as the last dry run
     * took, which on a loaded machine is seconds.
     */
    private static void awaitTarget(java.util.function.BooleanSupplier ok) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(ok::getAsBoolean);
    }

    private static long standbyFiles() throws IOException {
        try (var s = Files.walk(fx.standbyDir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void anEmptiedSourceDeletesNothingButNewFilesStillArrive() throws IOException {
        for (int i = 0; i < 60; i++) Files.writeString(fx.primaryDir.resolve("file" + i), "data" + i);
        start(fx.config());
        awaitSame();

        try (var files = Files.list(fx.primaryDir)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> dir().deleteGuard() != null);
        assertThat(dir().deleteGuard()).contains("empty");
        assertThat(dir().deleteGuardSince()).isNotNull();
        assertThat(service.snapshot().condition()).isEqualTo("deletes-held");
        assertThat(fx.alerts).filteredOn(a -> a.kind() == AlertKind.FILE_SYNC_DELETE_GUARD).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Severity.WARNING);
            assertThat(a.node()).isEqualTo("bergen-db");
            assertThat(a.event()).contains("deletions on bergen-db held back");
        });
        assertThat(SyncFixture.tree(fx.standbyDir)).hasSize(60);

        // A file added to the source: it is copied, and the guard's reason no longer says "empty".
        Files.writeString(fx.primaryDir.resolve("new.txt"), "copying continues");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(fx.standbyDir.resolve("new.txt")));
        assertThat(SyncFixture.tree(fx.standbyDir)).hasSize(61);
        await().atMost(Duration.ofSeconds(10)).until(() -> guard().contains("the source directory was empty when"));
        assertThat(dir().deleteGuard()).contains("it has files again")
                .doesNotContain("the source directory is empty");
        // Its re-check reconcile says what holding back means now, and keeps holding.
        awaitTarget(() -> guard().contains("the source lacks 60 of the target's 61 files"));
        assertThat(SyncFixture.tree(fx.standbyDir)).hasSize(61);
    }

    @Test
    void deletionsHeldBackStayHeldUntilTheFilesAreBack() throws IOException {
        for (int i = 0; i < 100; i++) Files.writeString(fx.primaryDir.resolve("file" + i), "data" + i);
        start(fx.config());
        awaitSame();
        for (int i = 0; i < 50; i++) Files.delete(fx.primaryDir.resolve("file" + i));
        await().atMost(Duration.ofSeconds(10)).until(() -> dir().deleteGuard() != null);
        assertThat(dir().deleteGuard()).contains("50 of the target's 100");
        assertThat(SyncFixture.tree(fx.standbyDir)).hasSize(100);

        // Sticky: even a single deletion afterwards waits (judged alone it would pass).
        Files.delete(fx.primaryDir.resolve("file99"));
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .until(() -> Files.exists(fx.standbyDir.resolve("file99")));

        // The files come back (a restore): the re-check releases the hold, and the one real deletion follows.
        for (int i = 0; i < 50; i++) Files.writeString(fx.primaryDir.resolve("file" + i), "data" + i);
        awaitTarget(() -> !Files.exists(fx.standbyDir.resolve("file99")));
        await().atMost(Duration.ofSeconds(5)).until(() -> dir().deleteGuard() == null);
        awaitSame();
        assertThat(fx.alerts).anySatisfy(a -> {
            assertThat(a.kind()).isEqualTo(AlertKind.FILE_SYNC_CAUGHT_UP);
            assertThat(a.node()).isEqualTo("bergen-db");
            assertThat(a.event()).contains("released");
        });
    }

    @Test
    void aSlowDeletionIsCountedOverTheWindow() throws IOException {
        for (int i = 0; i < 100; i++) Files.writeString(fx.primaryDir.resolve("file" + i), "data" + i);
        start(fx.config());
        awaitSame();
        // 15 % goes through...
        for (int i = 0; i < 15; i++) Files.delete(fx.primaryDir.resolve("file" + i));
        awaitTarget(() -> !Files.exists(fx.standbyDir.resolve("file14")));
        assertThat(dir().deleteGuard()).isNull();
        // ...and 10 % more a moment later is 25 % within the window: at most 20 % of the standby goes.
        for (int i = 15; i < 25; i++) Files.delete(fx.primaryDir.resolve("file" + i));
        await().atMost(Duration.ofSeconds(10)).until(() -> dir().deleteGuard() != null);
        assertThat(dir().deleteGuard()).contains("deleted within the last 1h").contains("more than 20% within 1h");
        assertThat(standbyFiles()).isGreaterThanOrEqualTo(80);
    }

    @Test
    void heldDeletionsSurviveAnOverflowARestartAndAnotherSyncUntilAnOperatorOverrides() throws IOException {
        Files.createDirectories(fx.primaryDir.resolve("flood"));
        for (int i = 0; i < 100; i++) Files.writeString(fx.primaryDir.resolve("keep" + i), "k" + i);
        start(fx.config());
        awaitSame();
        for (int i = 0; i < 60; i++) Files.delete(fx.primaryDir.resolve("keep" + i));
        await().atMost(Duration.ofSeconds(10)).until(() -> dir().deleteGuard() != null);

        // An inotify overflow: its reconcile copies the flood and still deletes nothing (the audit saw 504 go).
        java.time.Instant before = dir().lastReconcile();
        service.holdEvents(true);
        for (int i = 0; i < 2000; i++) Files.writeString(fx.primaryDir.resolve("flood/f" + i), "n" + i);
        service.holdEvents(false);
        awaitTarget(() -> Files.exists(fx.standbyDir.resolve("flood/f1999")) && dir().lastReconcile().isAfter(before));
        assertThat(fx.standbyDir.resolve("keep0")).exists();
        assertThat(dir().deleteGuard()).isNotNull();

        // A restart of the sync: still held, not alerted again.
        service.close();
        start(fx.config());
        assertThat(dir().deleteGuard()).contains("the source lacks 60");
        assertThat(fx.standbyDir.resolve("keep0")).exists();
        assertThat(fx.alerts).filteredOn(a -> a.kind() == AlertKind.FILE_SYNC_DELETE_GUARD).hasSize(1);

        // vakt sync beside it: held too (exit 1), nothing deleted.
        no.vakt.testing.Cli plain = no.vakt.testing.Cli.run("sync", "--config", fx.configFile.toString());
        assertThat(plain.exitCode()).as(plain.out() + plain.err()).isEqualTo(1);
        assertThat(plain.out()).contains("the source lacks 60").contains("NOT in sync");
        assertThat(fx.standbyDir.resolve("keep0")).exists();

        // The operator's override deletes them, and the running sync sees the hold gone.
        no.vakt.testing.Cli forced = no.vakt.testing.Cli.run("sync", "--no-delete-guard", "--config", fx.configFile.toString());
        assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
        assertThat(fx.standbyDir.resolve("keep0")).doesNotExist();
        await().atMost(Duration.ofSeconds(5)).until(() -> dir().deleteGuard() == null);
        assertThat(service.snapshot().condition()).isIn("in-sync", "syncing");
        // And the window starts afresh: an ordinary deletion goes through at once.
        Files.delete(fx.primaryDir.resolve("keep99"));
        awaitTarget(() -> !Files.exists(fx.standbyDir.resolve("keep99")));
    }
}
