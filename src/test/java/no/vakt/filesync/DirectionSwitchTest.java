package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import no.vakt.config.VaktConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import org.junit.jupiter.api.Test;

/**
 * After a failover the old primary's directory is no longer pushed anywhere, nothing flows back until
 * the old primary is rejoined, and then files flow from the new primary, with what only the old one had
 * kept aside.
 */
class DirectionSwitchTest {
    @Test
    void failoverStopsPushingAndRejoinStartsTheWayBack() throws IOException {
        try (SyncFixture fx = SyncFixture.start(null);
                Journal journal = new Journal(fx.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
            VaktConfig cfg = fx.config();
            try (FileSyncService service = new FileSyncService(cfg, fx.configFile, () -> FileSyncDirections.current(journal, cfg),
                    Clock.systemUTC(), fx.alertSink, System.out::println, false)) {
                service.start();
                Files.writeString(fx.primaryDir.resolve("a.txt"), "before the failover");
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(fx.standbyDir.resolve("a.txt")));

                // The HANDOVER step of a failover to bergen.
                new JournalFileSyncDirector(journal, cfg, service::apply).makeSource(cfg.cluster(), "bergen-db", 2);
                FileSyncSnapshot paused = service.snapshot();
                assertThat(paused.state()).isEqualTo("paused");
                assertThat(paused.source()).isEqualTo("bergen-db");
                assertThat(paused.target()).isNull();
                assertThat(paused.note()).contains("vakt rejoin oslo-db");
                assertThat(journal.latest(EventKind.FILE_SYNC, cfg.cluster()).orElseThrow().summary()).contains("paused");

                Files.writeString(fx.primaryDir.resolve("late on old primary.txt"), "written after the failover");
                Files.writeString(fx.standbyDir.resolve("new on new primary.txt"), "uploaded to bergen");
                // Longer than a coalesce window and a direction poll: nothing moves either way.
                await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() ->
                        !Files.exists(fx.standbyDir.resolve("late on old primary.txt"))
                                && !Files.exists(fx.primaryDir.resolve("new on new primary.txt")));
                await().atMost(Duration.ofSeconds(5)).until(() -> StatusFile.read(StatusFile.forConfig(fx.configFile))
                        .map(s -> "paused".equals(s.state())).orElse(false));

                // vakt rejoin oslo-db, from another process: the daemon reads the journal every second.
                try (Journal other = new Journal(fx.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
                    assertThat(FileSyncDirections.afterRejoin(other, cfg, cfg.node("oslo-db").orElseThrow())).isTrue();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(fx.primaryDir.resolve("new on new primary.txt")));
                FileSyncSnapshot running = service.snapshot();
                assertThat(running.state()).isEqualTo("running");
                assertThat(running.source()).isEqualTo("bergen-db");
                assertThat(running.target()).isEqualTo("oslo-db");
                await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(fx.primaryDir.resolve("late on old primary.txt")));
                Path saved;
                try (Stream<Path> s = Files.list(fx.primaryDir)) {
                    saved = s.filter(p -> p.getFileName().toString().startsWith(".vakt-saved-")).findFirst().orElseThrow();
                }
                assertThat(saved.resolve("late on old primary.txt")).hasContent("written after the failover");

                Files.writeString(fx.standbyDir.resolve("after rejoin.txt"), "live again");
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(fx.primaryDir.resolve("after rejoin.txt")));
            }
        }
    }
}
