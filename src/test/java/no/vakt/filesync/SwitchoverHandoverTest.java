package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix's switchover-during-run with semi-sync on lost an upload: written on the old primary's
 * site while its push waited out the coalesce, dropped when the direction turned, then mirrored away by the
 * new direction's start-up reconcile. A switchover's direction change now pushes what is pending first.
 */
class SwitchoverHandoverTest {
    @Test
    void anUploadPendingOnTheOldSourceReachesTheNewOneAndSurvives() throws Exception {
        // A long coalesce: the upload is surely still pending when the roles turn.
        try (SyncFixture fx = SyncFixture.start("  coalesce: 5s\n")) {
            VaktConfig cfg = fx.config();
            AtomicReference<SyncDirection> direction = new AtomicReference<>(FileSyncDirections.initial(cfg));
            try (FileSyncService service = new FileSyncService(cfg, fx.configFile, direction::get, Clock.systemUTC(),
                    fx.alertSink, System.out::println, false)) {
                service.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> service.snapshot().directories().get(0).lastReconcile() != null);

                Files.writeString(fx.primaryDir.resolve("last on oslo.jpg"), "stored just before the switchover");
                await().atMost(Duration.ofSeconds(5)).until(() -> service.snapshot().directories().get(0).pendingChanges() > 0);

                // The switchover's HANDOVER, as vakt run's poller applies it from the journal.
                SyncDirection swapped = new SyncDirection("bergen-db", "oslo-db", 2, "switchover");
                direction.set(swapped);
                service.apply(swapped);
                assertThat(fx.standbyDir.resolve("last on oslo.jpg")).hasContent("stored just before the switchover");

                // The new direction's start-up reconcile has run and the upload is on both sites.
                await().atMost(Duration.ofSeconds(30)).until(() -> service.snapshot().directories().get(0).lastReconcile() != null);
                assertThat(fx.primaryDir.resolve("last on oslo.jpg")).exists();
                assertThat(fx.standbyDir.resolve("last on oslo.jpg")).exists();
            }
        }
    }
}
