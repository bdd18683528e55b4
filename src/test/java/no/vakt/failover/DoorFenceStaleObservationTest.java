package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import no.vakt.alert.NoOpAlertSink;
import no.vakt.config.Node;
import no.vakt.journal.Journal;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * A fence that landed is not re-armed by an observation that began before it landed. In the fault matrix
 * the monitor's probe of a black-holed old primary started just before the DROP was lifted and reported
 * "no answer" a connect timeout later, after the door fence had already fenced the node: the fence armed
 * again, answered at once and ended every client session, the session of the `vakt rejoin` running in
 * the same daemon included (HTTP 500, socket error).
 */
class DoorFenceStaleObservationTest {
    private static final Duration AWAIT = Duration.ofSeconds(20);

    @Test
    void aStaleNoAnswerDoesNotFenceAgainButANewerOneDoes() throws Exception {
        try (TestPair pair = TestPair.start();
                Journal journal = new Journal(pair.dir.resolve("journal.db"), Clock.systemUTC())) {
            Node old = pair.config().primary();
            List<String> out = new CopyOnWriteArrayList<>();
            DoorFence fence = new DoorFence("lab", java.util.Set.of("vakt", "repl", "root"), journal, new NoOpAlertSink(), Clock.systemUTC(), out::add);
            Optional<DoorFencePolicy.Target> target = Optional.of(new DoorFencePolicy.Target(old.name(), "test"));
            try {
                Instant staleObservation = Instant.now();
                fence.keep(target, old, staleObservation);
                await("fenced").atMost(AWAIT).until(() -> fenced(out) == 1);

                try (Connection rejoin = connect(pair)) {
                    // The same observation again, as the monitor's next tick reports it a timeout later.
                    fence.keep(target, old, staleObservation);
                    assertThat(fence.waitingAt(old.name())).as("re-armed on a stale observation").isFalse();
                    assertThat(alive(rejoin)).as("the session working on the node").isTrue();
                    assertThat(fenced(out)).isEqualTo(1);

                    // A node that stops answering after it was fenced is still guarded.
                    fence.keep(target, old, Instant.now());
                    await("fenced again").atMost(AWAIT).until(() -> fenced(out) == 2);
                    assertThat(alive(rejoin)).as("a client session after a newer no-answer").isFalse();
                }
            } finally {
                fence.close();
            }
        }
    }

    private static long fenced(List<String> out) {
        return out.stream().filter(l -> l.contains("answered again and was fenced at once")).count();
    }

    private static Connection connect(TestPair pair) throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://" + pair.primary.host() + ":" + pair.primary.port()
                + "/?connectTimeout=2000&socketTimeout=5000", "root", "");
    }

    private static boolean alive(Connection c) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            return rs.next();
        } catch (Exception e) {
            return false;
        }
    }
}
