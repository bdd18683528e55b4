package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import no.vakt.config.CoordinationConfig;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two agents on one real three-server ensemble (separate JVMs): one leader, takeover after a kill -9, epoch CAS. */
class LeaderElectionTest {
    private static final Duration SESSION = Duration.ofSeconds(4);
    static ZooKeeperServers servers;

    @BeforeAll
    static void ensemble() throws Exception {
        Path tmp = Path.of(System.getProperty("vakt.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(tmp);
        servers = ZooKeeperServers.start(Files.createTempDirectory(tmp, "zk3"), 3);
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    private static CoordinationConfig config(String chroot, String agent) {
        return new CoordinationConfig(servers.connectString(), chroot, SESSION, Duration.ofSeconds(2), agent);
    }

    @Test
    void exactlyOneAgentActsAndAfterItsKill9TheOtherTakesOverWhenItsSessionExpires() throws Exception {
        String chroot = "/vakt/election";
        Path log = Files.createTempFile(Path.of(System.getProperty("vakt.test.tmp", "/tmp")), "agent", ".log");
        Process oslo = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                AgentProcess.class.getName(), servers.connectString(), chroot, "oslo", String.valueOf(SESSION.toMillis())))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (CuratorFramework observer = observer(chroot)) {
            // oslo leads alone first, so the order of the election is known.
            await().atMost(Duration.ofSeconds(20)).until(() -> role(observer, "oslo").equals("leader"));
            try (ZooKeeperCoordinator bergen = ZooKeeperCoordinator.start(config(chroot, "bergen"), Clock.systemUTC())) {
                assertThat(bergen.awaitLeader(Duration.ofSeconds(10))).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> "oslo".equals(bergen.status().leader())
                        && role(observer, "bergen").equals("follower"));
                CoordinatorStatus s = bergen.status();
                assertThat(s.authority()).isFalse();
                assertThat(s.session().live()).isTrue();
                assertThat(s.reason()).contains("the leader is oslo");
                assertThat(role(observer, "oslo")).isEqualTo("leader");

                oslo.destroyForcibly(); // SIGKILL: nobody closes oslo's session; the ensemble expires it
                assertThat(oslo.waitFor(10, TimeUnit.SECONDS)).isTrue();
                long killed = System.nanoTime();
                await().atMost(SESSION.plusSeconds(3)).pollInterval(Duration.ofMillis(20)).until(bergen::mayAct);
                Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
                // The dead leader's lease held until its session expired: no second agent acted meanwhile.
                assertThat(takeover).isGreaterThan(SESSION.dividedBy(2));
                assertThat(bergen.status().leader()).isEqualTo("bergen");
                await().atMost(Duration.ofSeconds(5)).until(() -> role(observer, "bergen").equals("leader"));
                assertThat(observer.getChildren().forPath(ZooKeeperCoordinator.AGENTS)).containsExactly("bergen");
                // vakt status's read-only look agrees, without taking part in the election.
                CoordinatorStatus look = ZooKeeperLook.of(config(chroot, "oslo"), Clock.systemUTC());
                assertThat(look.leader()).isEqualTo("bergen");
                assertThat(look.authority()).isFalse();
                assertThat(observer.getChildren().forPath(ZooKeeperCoordinator.LEADER)).hasSize(1);
                System.out.println("takeover after kill -9 of the leader: " + takeover.toMillis() + " ms (session "
                        + SESSION.toMillis() + " ms)");
            }
        } finally {
            oslo.destroyForcibly();
        }
    }

    @Test
    void twoWritersAdvanceTheEpochFromTheSameValueAndOnlyOneWins() throws Exception {
        String chroot = "/vakt/epoch";
        try (ZooKeeperCoordinator a = ZooKeeperCoordinator.start(config(chroot, "a"), Clock.systemUTC());
                ZooKeeperCoordinator b = ZooKeeperCoordinator.start(config(chroot, "b"), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.status().session().live() && b.status().session().live());
            assertThat(a.advanceEpoch(0, 4)).isEqualTo(new EpochUpdate.Advanced(4));
            CyclicBarrier together = new CyclicBarrier(2);
            CompletableFuture<EpochUpdate> fa = CompletableFuture.supplyAsync(() -> { arrive(together); return a.advanceEpoch(4, 5); });
            CompletableFuture<EpochUpdate> fb = CompletableFuture.supplyAsync(() -> { arrive(together); return b.advanceEpoch(4, 6); });
            List<EpochUpdate> both = List.of(fa.get(20, TimeUnit.SECONDS), fb.get(20, TimeUnit.SECONDS));
            assertThat(both).filteredOn(u -> u instanceof EpochUpdate.Advanced).hasSize(1);
            EpochUpdate.Advanced won = (EpochUpdate.Advanced) both.stream().filter(u -> u instanceof EpochUpdate.Advanced)
                    .findFirst().orElseThrow();
            assertThat(both).filteredOn(u -> u instanceof EpochUpdate.Refused)
                    .containsExactly(new EpochUpdate.Refused(4, won.epoch()));
            assertThat(a.epoch()).hasValue(won.epoch());
            assertThat(b.epoch()).hasValue(won.epoch());
            // A stale writer is refused with what the epoch is now; nothing moved.
            assertThat(b.advanceEpoch(4, 9)).isEqualTo(new EpochUpdate.Refused(4, won.epoch()));
            assertThat(a.epoch()).hasValue(won.epoch());
        }
    }

    private static void arrive(CyclicBarrier b) {
        try {
            b.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static CuratorFramework observer(String chroot) {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(servers.connectString())
                .namespace(chroot.substring(1)).sessionTimeoutMs(10_000).connectionTimeoutMs(2000)
                .retryPolicy(new RetryNTimes(3, 200)).build();
        c.start();
        return c;
    }

    /** The role an agent's ephemeral node publishes; "" while it has none. */
    private static String role(CuratorFramework observer, String agent) {
        try {
            byte[] data = observer.getData().forPath(ZooKeeperCoordinator.AGENTS + "/" + agent);
            Map<?, ?> m = new ObjectMapper().readValue(data, Map.class);
            return agent.equals(m.get("agent")) ? String.valueOf(m.get("role")) : "";
        } catch (Exception e) {
            return "";
        }
    }
}
