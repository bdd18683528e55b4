package no.vakt.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.vakt.db.NodeInspector;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestDirs;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * One process at a time acts on a cluster. Real processes: a `vakt run` JVM holds the lock; a second one on the
 * same config refuses naming it; a CLI switchover meanwhile is handed to the daemon's API; a kill -9 frees the lock.
 */
class ClusterLockTest {
    @Test
    void aSecondVaktRunRefusesAndTheCliGoesThroughTheDaemon() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            Path token = pair.dir.resolve("secrets/api.token");
            Files.writeString(token, "tok-" + Long.toHexString(System.nanoTime()) + "\n");
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
            pair.rewriteConfig(y -> y + "server:\n  listen: 127.0.0.1:" + Loopback.freePort("127.0.0.1")
                    + "\n  token-file: " + token + "\n");
            Path journalFile = pair.dir.resolve(".vakt/journal.db");
            Process first = vaktRun(pair, pair.dir.resolve("first.log"));
            try {
                await("the daemon holds the cluster and names its API").atMost(Duration.ofSeconds(60))
                        .until(() -> ClusterLock.holder(journalFile).map(h -> h.api() != null).orElse(false));
                ClusterLock.Holder holder = ClusterLock.holder(journalFile).orElseThrow();
                assertThat(holder.pid()).isEqualTo(first.pid());
                assertThat(holder.command()).isEqualTo("vakt run");

                Path secondLog = pair.dir.resolve("second.log");
                Process second = vaktRun(pair, secondLog);
                try {
                    assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second vakt run stops by itself").isTrue();
                    assertThat(second.exitValue()).isEqualTo(1);
                    assertThat(Files.readString(secondLog)).contains("vakt run refused", "pid " + first.pid());
                } finally {
                    second.destroyForcibly();
                }
                assertThat(first.isAlive()).isTrue();

                // The operator's switchover is run by the daemon, not beside it.
                Cli switchover = Cli.run("switchover", "--config", pair.configFile.toString());
                assertThat(switchover.exitCode()).as(switchover.out() + switchover.err()).isZero();
                assertThat(switchover.out()).contains("holds this cluster: handing the action to it", "switchover completed");
                NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
                assertThat(inspector.inspect(pair.config().standby()).readOnly()).isFalse();
                // rejoin has its API call too (oslo already follows bergen: nothing to do).
                Cli rejoin = Cli.run("rejoin", "oslo-db", "--config", pair.configFile.toString());
                assertThat(rejoin.exitCode()).as(rejoin.out() + rejoin.err()).isZero();
                assertThat(rejoin.out()).contains("holds this cluster: handing the action to it");
                try (Journal journal = new Journal(journalFile, Clock.systemUTC())) {
                    FailoverRecord f = journal.failovers(1).get(0);
                    assertThat(f.mode()).isEqualTo("switchover");
                    assertThat(journal.owner(f.id()).orElseThrow().pid()).as("run by the daemon").isEqualTo(first.pid());
                }
            } finally {
                first.destroyForcibly(); // SIGKILL: the OS frees the lock
                first.waitFor(10, TimeUnit.SECONDS);
            }
            try (ClusterLock again = ClusterLock.acquire(journalFile, "test")) {
                assertThat(again.holder().pid()).isEqualTo(ProcessHandle.current().pid());
            }
        }
    }

    @Test
    void aHeldLockRefusesInThisProcessTooAndIsFreeAfterClose() throws Exception {
        Path journal = TestDirs.create("lock-").resolve(".vakt/journal.db");
        try (ClusterLock held = ClusterLock.acquire(journal, "vakt switchover")) {
            assertThatThrownBy(() -> ClusterLock.acquire(journal, "vakt run"))
                    .isInstanceOf(ClusterLock.HeldException.class)
                    .hasMessageContaining("vakt switchover (pid " + ProcessHandle.current().pid());
            assertThat(ClusterLock.holder(journal)).contains(held.holder());
        }
        assertThat(ClusterLock.holder(journal)).isEmpty();
    }

    private static Process vaktRun(TestPair pair, Path log) throws Exception {
        return new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "no.vakt.cli.Main",
                "run", "--config", pair.configFile.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
