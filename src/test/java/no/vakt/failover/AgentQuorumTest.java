package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import no.vakt.config.CoordinationConfig;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.coordination.PrimaryObservation;
import no.vakt.coordination.ZooKeeperCoordinator;
import no.vakt.coordination.ZooKeeperServers;
import no.vakt.failover.detect.FailoverTrigger;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.failover.detect.Transition;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepGate;
import no.vakt.failover.plan.StepName;
import no.vakt.journal.Journal;
import no.vakt.roles.LiveRoles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agents (oslo, bergen, witness) on a real ZooKeeper server, in one JVM: a DOWN that only the acting
 * agent sees (a monitor-only partition) starts no failover; once a majority lost the primary, it does. And the
 * step gate: the promotion only after the epoch's compare-and-set in ZooKeeper, never for an epoch another
 * agent already passed, nothing without authority. (The nodes are closed loopback ports: a started failover
 * stops at its first step; what counts is whether it started.)
 */
class AgentQuorumTest {
    private static ZooKeeperServers servers;

    @TempDir
    Path dir;

    @BeforeAll
    static void ensemble() throws Exception {
        Path tmp = Path.of(System.getProperty("vakt.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(tmp);
        servers = ZooKeeperServers.start(Files.createTempDirectory(tmp, "zkq"), 1);
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    private static ZooKeeperCoordinator agent(String chroot, String name) {
        return ZooKeeperCoordinator.start(new CoordinationConfig(servers.connectString(), chroot, Duration.ofSeconds(4),
                Duration.ofSeconds(2), name), Clock.systemUTC());
    }

    private static PrimaryObservation look(String agent, boolean reachable) {
        return new PrimaryObservation(agent, "oslo-db", reachable, Instant.now(), reachable ? "HEALTHY" : "SUSPECT", null);
    }

    private VaktConfig config() {
        return ConfigLoader.parse(dir.resolve("vakt.yml"), """
                cluster: shop
                policy: {failover: automatic}
                sites:
                  - name: oslo
                    country: NO
                    nodes: [{name: oslo-db, role: primary, mysql: {host: 127.0.0.1, port: 1, user: vakt, password-env: PW}}]
                  - name: bergen
                    country: NO
                    nodes: [{name: bergen-db, role: standby, mysql: {host: 127.0.0.1, port: 2, user: vakt, password-env: PW}}]
                replication: {user: repl, password-env: PW, databases: [shop]}
                """);
    }

    @Test
    void aDownOnlyTheLeaderSeesStartsNoFailoverUntilAMajorityOfAgentsLoseThePrimary() {
        String chroot = "/vakt/quorum";
        VaktConfig config = config();
        List<String> out = new CopyOnWriteArrayList<>();
        try (ZooKeeperCoordinator oslo = agent(chroot, "oslo");
                Journal journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(15)).until(oslo::mayAct);
            try (ZooKeeperCoordinator bergen = agent(chroot, "bergen"); ZooKeeperCoordinator witness = agent(chroot, "witness")) {
                bergen.publish(look("bergen", true));
                witness.publish(look("witness", true));
                await().atMost(Duration.ofSeconds(10)).until(() -> oslo.agentViews().orElseThrow().observations().size() == 2
                        && oslo.agentViews().orElseThrow().connected().size() == 3);

                ActingGate gate = new ActingGate(oslo, out::add);
                FailoverRunner runner = new FailoverRunner(config, journal, Clock.systemUTC(), alert -> {},
                        (cluster, node, epoch) -> {
                            throw new IllegalStateException("no traffic here");
                        }, (cluster, node, epoch) -> {});
                AutomaticFailover trigger = new AutomaticFailover(config, runner, silent(), () -> null, out::add,
                        Optional::empty, alert -> {}, gate, gate.quorum(Clock.systemUTC(), config.policy().checks()));
                LiveRoles roles = new LiveRoles(config.primary(), config.standby());
                Transition down = new Transition(Instant.now(), PrimaryHealth.SUSPECT, PrimaryHealth.DOWN, 3, "test");

                // oslo alone lost the primary (its link to it is cut); bergen and the witness still reach it.
                trigger.primaryDown(roles, down);
                assertThat(out).noneMatch(l -> l.startsWith("failover"));
                assertThat(out).contains("primary oslo-db DOWN for this agent, but no quorum of agents: 1 of 3 connected agents"
                        + " lost oslo-db (oslo); 2 needed; still reached by bergen, witness; no failover until a majority"
                        + " lost it");
                assertThat(trigger.retryWanted()).isFalse();
                assertThat(journal.unfinishedFailover()).isEmpty();
                assertThat(journal.lastFailoverEnd()).isEmpty();

                // The primary really goes: bergen loses it too, 2 of 3.
                bergen.publish(look("bergen", false));
                await().atMost(Duration.ofSeconds(10)).until(trigger::retryWanted);
                trigger.primaryStillDown(roles, down);
                assertThat(out).anyMatch(l -> l.startsWith("failover: retrying, a majority of the agents lost it too"));
                assertThat(out).anyMatch(l -> l.startsWith("failover: ") && !l.startsWith("failover: retrying"));
            }
        }
    }

    @Test
    void thePromotionWaitsForTheEpochsCompareAndSetAndNeverRepeatsAnEpoch() {
        String chroot = "/vakt/fencing";
        try (ZooKeeperCoordinator oslo = agent(chroot, "oslo")) {
            await().atMost(Duration.ofSeconds(15)).until(oslo::mayAct);
            try (ZooKeeperCoordinator bergen = agent(chroot, "bergen")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> bergen.status().session().live()
                        && "oslo".equals(bergen.status().leader()));
                StepGate leader = new ActingGate(oslo, line -> {}).steps();
                StepGate follower = new ActingGate(bergen, line -> {}).steps();
                StepContext run5 = new StepContext(1, "shop", "oslo-db", "bergen-db", 5, true);

                assertThat(follower.beforeStep(StepName.FENCE_OLD_PRIMARY, run5, false))
                        .isInstanceOfSatisfying(StepGate.Verdict.Stop.class,
                                s -> assertThat(s.reason()).startsWith("agent bergen has no authority: not the leader"));
                // Steps before the promotion only need authority: the epoch stays.
                assertThat(leader.beforeStep(StepName.FENCE_OLD_PRIMARY, run5, false)).isEqualTo(StepGate.Verdict.GO);
                assertThat(oslo.epoch()).hasValue(0);
                assertThat(leader.clusterEpoch()).hasValue(0);
                assertThat(leader.beforeStep(StepName.PROMOTE_STANDBY, run5, false)).isEqualTo(StepGate.Verdict.GO);
                assertThat(bergen.epoch()).hasValue(5);
                // Every agent's watch sees it without asking: a returning old primary stays fenced, file sync waits.
                await().atMost(Duration.ofSeconds(5)).until(() -> bergen.knownEpoch().equals(java.util.OptionalLong.of(5)));
                assertThat(new ActingGate(bergen, line -> {}).knownEpoch()).isEqualTo(5);
                // The same epoch again (a resumed or a rival run): refused, nothing promoted for it twice.
                assertThat(leader.beforeStep(StepName.PROMOTE_STANDBY, run5, false))
                        .isEqualTo(new StepGate.Verdict.Stop("the epoch in ZooKeeper is 5, not below this run's 5:"
                                + " another agent moved it"));
                // Past the promotion no compare-and-set: the steps after it run while authority holds.
                assertThat(leader.beforeStep(StepName.BUMP_EPOCH, run5, true)).isEqualTo(StepGate.Verdict.GO);
                assertThat(oslo.epoch()).hasValue(5);
            }
        }
    }

    private static FailoverTrigger silent() {
        return new FailoverTrigger() {
            @Override
            public void primaryDown(LiveRoles roles, Transition evidence) {}

            @Override
            public void unreachableFromMonitor(LiveRoles roles, Transition evidence) {}

            @Override
            public void stateChanged(LiveRoles roles, Transition transition) {}
        };
    }
}
