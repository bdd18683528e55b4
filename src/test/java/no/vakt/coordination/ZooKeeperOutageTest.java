package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import no.vakt.config.CoordinationConfig;
import org.junit.jupiter.api.Test;

/**
 * An agent whose only ZooKeeper server goes away stops acting at SUSPENDED, and acts again when it is back; its
 * status (the shared pause included) answers at once meanwhile.
 */
class ZooKeeperOutageTest {
    private static final Duration SESSION = Duration.ofSeconds(6);

    @Test
    void authorityEndsAtSuspendedLongBeforeTheSessionExpiresAndReturnsWithTheServer() throws Exception {
        Path tmp = Path.of(System.getProperty("vakt.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(tmp);
        try (ZooKeeperServers zk = ZooKeeperServers.start(Files.createTempDirectory(tmp, "zk1"), 1);
                ZooKeeperCoordinator oslo = ZooKeeperCoordinator.start(new CoordinationConfig(zk.connectString(),
                        "/vakt/outage", SESSION, Duration.ofSeconds(2), "oslo"), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10)).until(oslo::mayAct);
            assertThat(oslo.status().session()).isEqualTo(SessionState.CONNECTED);
            // A pause set through another client (vakt pause) reaches the agent's watched copy.
            ZooKeeperRuns.using(new CoordinationConfig(zk.connectString(), "/vakt/outage", SESSION, Duration.ofSeconds(2),
                    "bergen"), r -> {
                        r.pause("{\"action\":\"pause\"}");
                        return null;
                    });
            ZooKeeperRuns runs = oslo.runs().orElseThrow();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.pause().isPresent());

            zk.kill(0);
            long gone = System.nanoTime();
            await().atMost(SESSION).pollInterval(Duration.ofMillis(10)).until(() -> !oslo.mayAct());
            Duration lost = Duration.ofNanos(System.nanoTime() - gone);
            assertThat(lost).isLessThan(SESSION.dividedBy(3));
            CoordinatorStatus s = oslo.status();
            assertThat(s.session()).isEqualTo(SessionState.SUSPENDED);
            assertThat(s.reason()).contains("SUSPENDED");
            // The pause is read on every status request: without ZooKeeper it answers at once, from the last copy
            // (a read through the dead link would block for all the retries and /api/status with it).
            long read = System.nanoTime();
            assertThat(runs.pause()).hasValue("{\"action\":\"pause\"}");
            assertThat(Duration.ofNanos(System.nanoTime() - read)).isLessThan(Duration.ofMillis(200));
            System.out.println("authority ended " + lost.toMillis() + " ms after the server died (session "
                    + SESSION.toMillis() + " ms)");

            zk.start(0);
            await().atMost(SESSION.plusSeconds(10)).until(oslo::mayAct);
            assertThat(oslo.status().session()).isIn(SessionState.RECONNECTED, SessionState.CONNECTED);
            assertThat(oslo.status().leader()).isEqualTo("oslo");
        }
    }
}
