package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.alert.Alert;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.filesync.NoOpFileSyncDirector;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * The door fence is armed by the failover itself, the moment PROMOTE_STANDBY has made the standby writable
 * past an old primary that did not answer, not by the monitor's tick after the failover ended (75-135 ms
 * later in the fault matrix, long enough for a healed fault to leave two writable primaries). Observed
 * from inside the run: when HANDOVER switches traffic (two steps after the promotion), the fence already
 * waits at the killed old primary, and never at the new one.
 */
class DoorFenceArmedByPromotionTest {
    @Test
    void theFailoverArmsTheDoorFenceRightAfterThePromotion() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms"));
            VaktConfig config = pair.config();
            List<Alert> alerts = new CopyOnWriteArrayList<>();
            List<String> lines = new CopyOnWriteArrayList<>();
            AtomicReference<FailoverWatch> self = new AtomicReference<>();
            AtomicReference<String> atHandover = new AtomicReference<>();
            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(1));
            try (Journal journal = new Journal(pair.dir.resolve("journal.db"), Clock.systemUTC());
                    FailoverWatch watch = new FailoverWatch(config, journal, Clock.systemUTC(), alerts::add,
                            (cluster, node, epoch) -> atHandover.set("waiting at oslo-db: "
                                    + self.get().monitor().doorFenceWaitingAt("oslo-db") + ", at bergen-db: "
                                    + self.get().monitor().doorFenceWaitingAt("bergen-db")),
                            new NoOpFileSyncDirector(), lines::add)) {
                self.set(watch);
                watch.start();
                await("monitor heartbeats replicated").atMost(Duration.ofSeconds(10)).until(() -> {
                    Long lag = inspector.inspect(config.standby()).heartbeatLagMs();
                    return lag != null && lag < 500 && watch.monitor().lastHeartbeatWritten() != null;
                });

                pair.primary.kill();
                await("failover finished").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> journal.failovers(1).stream().anyMatch(f -> f.endedAt() != null));
                FailoverRecord f = journal.failovers(1).get(0);
                String context = FailoverRunner.timings(f) + "\n" + String.join("\n", lines);
                assertThat(f.outcome()).as(context).isEqualTo(FailoverOutcome.COMPLETED);
                assertThat(atHandover.get()).as(context).isEqualTo("waiting at oslo-db: true, at bergen-db: false");
                JournalEvent armed = journal.history(EventKind.STATE_CHANGE, 200).stream()
                        .filter(e -> e.summary().startsWith("door fence waiting at oslo-db")).findFirst()
                        .orElseThrow(() -> new AssertionError("no door fence journaled: " + context));
                assertThat(armed.at()).as(context).isBefore(f.endedAt());
                // The monitor's policy keeps that fence once the roles follow: not stopped, not armed a second time.
                await("live roles follow").atMost(Duration.ofSeconds(10))
                        .until(() -> watch.monitor().roles().primary().name().equals("bergen-db")
                                && watch.monitor().health() == PrimaryHealth.HEALTHY);
                assertThat(watch.monitor().doorFenceWaitingAt("oslo-db")).as(context).isTrue();
                assertThat(journal.history(EventKind.STATE_CHANGE, 200).stream()
                        .filter(e -> e.summary().startsWith("door fence waiting at oslo-db"))).as(context).hasSize(1);
                assertThat(ReplicationFixture.variable(pair.standby, "read_only")).isEqualTo("0");
            }
        }
    }
}
