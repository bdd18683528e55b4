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
import no.vakt.alert.Severity;
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
    }

    @AfterEach
    void close() {
        if (service != null) service.close();
        service = null;
    }

    private FileSyncService start(VaktConfig cfg) {
        service = new FileSyncService(cfg, () -> FileSyncDirections.initial(cfg), null, Clock.systemUTC(), fx.alertSink,
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

    @Test
    void anEmptiedSourceDeletesNothingButNewFilesStillArrive() throws IOException {
        for (int i = 0; i < 60; i++) Files.writeString(fx.primaryDir.resolve("file" + i), "data" + i);
        start(fx.config());
        awaitSame();

        try (var files = Files.list(fx.primaryDir)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> service.snapshot().directories().get(0).deleteGuard() != null);
        assertThat(service.snapshot().directories().get(0).deleteGuard()).contains("empty");
        assertThat(fx.alerts).anySatisfy(a -> {
            assertThat(a.severity()).isEqualTo(Severity.WARNING);
            assertThat(a.event()).contains("deletions");
        });
        assertThat(SyncFixture.tree(fx.standbyDir)).hasSize(60);

        // Half the files gone from a non-empty source: more than 20 %, still held back.
        Files.writeString(fx.primaryDir.resolve("new.txt"), "copying continues");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(fx.standbyDir.resolve("new.txt")));
        assertThat(SyncFixture.tree(fx.standbyDir)).hasSize(61);
    }

    @Test
    void deletingMoreThanTheLimitInOneBatchIsHeldBack() throws IOException {
        for (int i = 0; i < 100; i++) Files.writeString(fx.primaryDir.resolve("file" + i), "data" + i);
        start(fx.config());
        awaitSame();
        for (int i = 0; i < 50; i++) Files.delete(fx.primaryDir.resolve("file" + i));
        await().atMost(Duration.ofSeconds(10)).until(() -> service.snapshot().directories().get(0).deleteGuard() != null);
        assertThat(service.snapshot().directories().get(0).deleteGuard()).contains("50 of the target's 100");
        assertThat(SyncFixture.tree(fx.standbyDir)).hasSize(100);

        // A small deletion afterwards is fine again.
        Files.delete(fx.primaryDir.resolve("file99"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(fx.standbyDir.resolve("file99")));
    }
}
