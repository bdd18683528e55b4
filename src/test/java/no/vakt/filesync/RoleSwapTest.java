package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import no.vakt.alert.AlertKind;
import no.vakt.check.FileSyncRules;
import no.vakt.check.Finding;
import no.vakt.check.Observations;
import no.vakt.cluster.Severity;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import no.vakt.server.FileSyncBacklog;
import no.vakt.testing.Cli;
import org.junit.jupiter.api.Test;

/**
 * The audit's data loss, replayed: oslo/uploads and bergen/uploads, a failover to bergen, a rejoin of oslo,
 * then the operator swaps the role: fields in vakt.yml as the new layout suggests. With path/target that
 * would push oslo's directory over bergen's and delete the new upload on the live primary; now the
 * directory is refused everywhere (vakt run, vakt sync, vakt check) until the config names the paths right.
 */
class RoleSwapTest {
    private static final String SHORTHAND = "    - path: oslo/uploads\n      target: bergen/uploads\n";

    @Test
    void swappingTheRolesWithoutThePathsIsRefusedAndThePerNodeFormFixesIt() throws Exception {
        try (SyncFixture fx = SyncFixture.start(null);
                Journal journal = new Journal(fx.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
            VaktConfig cfg = fx.config();
            List<String> printed = new CopyOnWriteArrayList<>();
            try (FileSyncService service = new FileSyncService(cfg, fx.configFile, () -> FileSyncDirections.current(journal, cfg),
                    Clock.systemUTC(), fx.alertSink, printed::add, false)) {
                service.start();
                Files.writeString(fx.primaryDir.resolve("a.txt"), "before the failover");
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(fx.standbyDir.resolve("a.txt")));
                assertThat(fx.dir.resolve(".vakt/filesync-layout.json")).content()
                        .contains("oslo-db").contains(fx.primaryDir.toString()).contains(fx.standbyDir.toString());

                // Failover to bergen, then vakt rejoin oslo-db: files flow bergen -> oslo, right way round.
                new JournalFileSyncDirector(journal, cfg, service::apply).makeSource(cfg.cluster(), "bergen-db", 2);
                FileSyncDirections.afterRejoin(journal, cfg, cfg.node("oslo-db").orElseThrow());
                Files.writeString(fx.standbyDir.resolve("on bergen.txt"), "uploaded to the new primary");
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(fx.primaryDir.resolve("on bergen.txt")));
            }

            // The operator edits vakt.yml: bergen-db is primary now. path: and target: stay as they were.
            String original = Files.readString(fx.configFile);
            Files.writeString(fx.configFile, DirectoryLayoutTest.swapRoles(original));
            VaktConfig swapped = fx.config();
            assertThat(swapped.primary().name()).isEqualTo("bergen-db");
            Files.writeString(fx.standbyDir.resolve("new upload.jpg"), "only on the live primary so far");

            // vakt sync: refused, and the new upload on the live primary is still there.
            Cli sync = Cli.run("sync", "--config", fx.configFile.toString());
            assertThat(sync.exitCode()).as(sync.out() + sync.err()).isEqualTo(1);
            assertThat(sync.out()).contains("REFUSED").contains("files.directories[0] in " + fx.configFile)
                    .contains("swap path: and target: in files.directories[0]")
                    .contains("paths: {oslo-db: " + fx.primaryDir + ", bergen-db: " + fx.standbyDir + "}");
            assertThat(fx.standbyDir.resolve("new upload.jpg")).exists();
            assertThat(fx.primaryDir.resolve("new upload.jpg")).doesNotExist();

            // vakt run's file sync: refused, alerted once, shown; nothing moves either way.
            fx.alerts.clear();
            List<String> lines = new CopyOnWriteArrayList<>();
            try (FileSyncService service = new FileSyncService(swapped, fx.configFile,
                    () -> FileSyncDirections.current(journal, swapped), Clock.systemUTC(), fx.alertSink, lines::add, false)) {
                service.start();
                FileSyncSnapshot s = service.snapshot();
                assertThat(s.condition()).isEqualTo("refused");
                assertThat(s.directories()).singleElement().satisfies(d -> {
                    assertThat(d.state()).isEqualTo("refused");
                    assertThat(d.lastError()).contains("Nothing is copied or deleted in this directory");
                });
                assertThat(FileSyncBacklog.of(s).needsAttention()).isTrue();
                assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("file sync REFUSES"));
                assertThat(lines).anySatisfy(l -> assertThat(l).contains("started: bergen-db -> oslo-db (0 directories,"
                        + " 1 REFUSED"));
                assertThat(fx.alerts).singleElement().satisfies(a -> {
                    assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(a.kind()).isEqualTo(AlertKind.FILE_SYNC_BEHIND);
                    assertThat(a.node()).isEqualTo("oslo-db");
                });
                await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() ->
                        Files.exists(fx.standbyDir.resolve("new upload.jpg")) && !Files.exists(fx.primaryDir.resolve("new upload.jpg")));
                await().atMost(Duration.ofSeconds(5)).until(() -> StatusFile.read(StatusFile.forConfig(fx.configFile))
                        .map(w -> "refused".equals(w.condition())).orElse(false));
                assertThat(FileSyncStatusView.text(swapped, StatusFile.read(StatusFile.forConfig(fx.configFile)),
                        java.time.Instant.now())).contains("file sync: running, REFUSED, bergen-db -> oslo-db")
                        .contains(": REFUSED (nothing synced): files.directories[0]");
            }

            // vakt check says the same, with the fix.
            Finding layout = findings(swapped).stream().filter(f -> f.id().equals("files-layout")).findFirst().orElseThrow();
            assertThat(layout.severity()).isEqualTo(no.vakt.check.Severity.ERROR);
            assertThat(layout.fix()).contains("swap path: and target:");

            // The per-node form: each node's directory by name, whatever the roles say.
            Files.writeString(fx.configFile, DirectoryLayoutTest.swapRoles(original).replace(SHORTHAND,
                    "    - paths: {oslo-db: oslo/uploads, bergen-db: bergen/uploads}\n"));
            VaktConfig perNode = fx.config();
            assertThat(findings(perNode)).filteredOn(f -> f.id().equals("files-layout"))
                    .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(no.vakt.check.Severity.OK));
            Cli fixed = Cli.run("sync", "--config", fx.configFile.toString());
            assertThat(fixed.exitCode()).as(fixed.out() + fixed.err()).isZero();
            assertThat(fixed.out()).contains("in sync: bergen-db -> oslo-db");
            assertThat(fx.primaryDir.resolve("new upload.jpg")).hasContent("only on the live primary so far");
            assertThat(fx.standbyDir.resolve("new upload.jpg")).exists();
        }
    }

    private static List<Finding> findings(VaktConfig cfg) {
        return FileSyncRules.files(cfg, new Observations(null, null, null, null, null, null, List.of(),
                FileSyncProbe.observe(cfg)));
    }
}
