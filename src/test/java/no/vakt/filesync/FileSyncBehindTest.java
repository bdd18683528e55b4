package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.Severity;
import no.vakt.server.FileSyncBacklog;
import org.junit.jupiter.api.Test;

/**
 * The target's sshd dies (the test kills it) while a change waits: file-sync-behind goes out as a WARNING
 * (behind max-behind, or failing), once more as CRITICAL when both, the dashboard and status say so, and file-sync-caught-up follows
 * when the restarted sshd lets the change through.
 */
class FileSyncBehindTest {
    @Test
    void aChangeOlderThanMaxBehindAlertsOnceAndCatchingUpSaysSo() throws Exception {
        try (SyncFixture fx = SyncFixture.start("  max-behind: 2s\n")) {
            var cfg = fx.config();
            assertThat(cfg.files().maxBehind()).isEqualTo(Duration.ofSeconds(2));
            try (FileSyncService service = new FileSyncService(cfg, fx.configFile, () -> FileSyncDirections.initial(cfg),
                    Clock.systemUTC(), fx.alertSink, System.out::println, false)) {
                service.start();
                Files.writeString(fx.primaryDir.resolve("first.txt"), "arrives");
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(fx.standbyDir.resolve("first.txt")));
                // The receiver's JVM start may have kept first.txt waiting past 2 s: that alert (and its caught-up,
                // sent by the next one-second tick) is not the one tested.
                await().atMost(Duration.ofSeconds(10)).until(() -> service.snapshot().condition().equals("in-sync"));
                await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                        .until(() -> service.snapshot().condition().equals("in-sync"));
                fx.alerts.clear();

                fx.sshd.stop();
                Files.writeString(fx.primaryDir.resolve("waiting.txt"), "cannot arrive yet");
                await().atMost(Duration.ofSeconds(20)).until(() -> fx.alerts.stream()
                        .anyMatch(a -> a.kind() == AlertKind.FILE_SYNC_BEHIND));
                // WARNING first when behind or failing comes alone (the other follows), then CRITICAL when both.
                await().atMost(Duration.ofSeconds(20)).until(() -> fx.alerts.stream()
                        .anyMatch(a -> a.kind() == AlertKind.FILE_SYNC_BEHIND && a.severity() == Severity.CRITICAL));
                Alert behind = fx.alerts.stream().filter(a -> a.severity() == Severity.CRITICAL).findFirst().orElseThrow();
                assertThat(behind.node()).isEqualTo("bergen-db");
                assertThat(behind.event()).contains("file sync to bergen-db behind and failing");
                assertThat(behind.evidence()).contains("1 change(s) pending").contains("files.max-behind 2s");

                FileSyncSnapshot s = service.snapshot();
                assertThat(s.directories().get(0).behind()).isTrue();
                assertThat(s.condition()).isIn("behind", "failing");
                assertThat(s.problems()).anySatisfy(p -> assertThat(p).contains("is behind"));
                FileSyncBacklog b = FileSyncBacklog.of(s);
                assertThat(b.needsAttention()).isTrue();
                assertThat(b.directories()).singleElement().satisfies(d -> assertThat(d.behind()).isTrue());
                // Not every second while it lasts.
                assertThat(s.directories().get(0).failing()).isTrue();
                long sent = fx.alerts.stream().filter(a -> a.kind() == AlertKind.FILE_SYNC_BEHIND).count();
                assertThat(sent).isBetween(1L, 2L);
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> fx.alerts.stream()
                        .filter(a -> a.kind() == AlertKind.FILE_SYNC_BEHIND).count() == sent);

                fx.sshd.start();
                // The push backs off up to 30 s between tries.
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(fx.standbyDir.resolve("waiting.txt")));
                await().atMost(Duration.ofSeconds(5)).until(() -> fx.alerts.stream()
                        .anyMatch(a -> a.kind() == AlertKind.FILE_SYNC_CAUGHT_UP));
                Alert caughtUp = fx.alerts.stream().filter(a -> a.kind() == AlertKind.FILE_SYNC_CAUGHT_UP).findFirst()
                        .orElseThrow();
                assertThat(caughtUp.severity()).isEqualTo(Severity.INFO);
                assertThat(caughtUp.node()).isEqualTo("bergen-db");
                assertThat(AlertKind.FILE_SYNC_CAUGHT_UP.resolves(behind.kind())).isTrue();
                assertThat(service.snapshot().directories().get(0).failing()).isFalse();
                assertThat(service.snapshot().pushFailures()).isPositive();
                // Only file sync kinds, each about the target node: no "other" alerts from file sync.
                assertThat(fx.alerts).allSatisfy(a -> {
                    assertThat(a.kind().label()).startsWith("file-sync-");
                    assertThat(a.node()).isEqualTo("bergen-db");
                });
            }
        }
    }
}
