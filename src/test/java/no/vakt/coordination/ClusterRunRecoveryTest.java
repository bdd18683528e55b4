package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import no.vakt.alert.Alert;
import no.vakt.failover.ClusterRuns;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.failover.plan.ExecutionResult;
import no.vakt.failover.plan.PlanExecutor;
import no.vakt.failover.plan.RecoveryAction;
import no.vakt.failover.plan.RefusalReason;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.filesync.NoOpFileSyncDirector;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.NoOpTrafficSwitch;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster's running failover settled by another agent's crash recovery ({@link FailoverRunner#resumeUnfinished})
 * on real MariaDB servers and a real ZooKeeper server: stopped safely when the old primary is back before the
 * point of no return, resumed and completed when it is dead; the cooldown holds on an agent that ran neither.
 */
class ClusterRunRecoveryTest {
    private static final Clock CLOCK = Clock.systemUTC();
    static ZooKeeperServers servers;

    @BeforeAll
    static void server() throws Exception {
        Path tmp = Path.of(System.getProperty("vakt.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(tmp);
        servers = ZooKeeperServers.start(Files.createTempDirectory(tmp, "zkr"), 1);
        ClusterRunTakeoverTest.servers = servers;
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    /** {@code agent} begins a failover with fake steps and hangs in APPLY_RELAY_LOG, before the point of no return. */
    private static CompletableFuture<ExecutionResult> hangInApply(String agent, Journal journal, ClusterRuns runs,
            String cluster, String trigger, List<String> ran, CountDownLatch release) throws InterruptedException {
        CountDownLatch inApply = new CountDownLatch(1);
        long id = journal.beginFailover(new NewFailover(cluster, "oslo-db", "bergen-db", "automatic", trigger, 1));
        CompletableFuture<ExecutionResult> run = CompletableFuture.supplyAsync(() -> new PlanExecutor(journal,
                ClusterRunTakeoverTest.steps(agent, ran, StepName.APPLY_RELAY_LOG, inApply, release), runs.fresh())
                .run(new StepContext(id, cluster, "oslo-db", "bergen-db", 1, true)));
        assertThat(inApply.await(10, TimeUnit.SECONDS)).isTrue();
        return run;
    }

    @Test
    void anotherAgentStopsTheRunWhenTheOldPrimaryIsBackAndResumesItWhenItIsDead() throws Exception {
        String chroot = "/vakt/recovery";
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
        try (TestPair pair = TestPair.start();
                Journal oslo = new Journal(pair.dir.resolve("oslo.db"), CLOCK);
                Journal bergen = new Journal(pair.dir.resolve("bergen.db"), CLOCK);
                Journal witness = new Journal(pair.dir.resolve("witness.db"), CLOCK);
                CuratorFramework osloLink = ClusterRunTakeoverTest.client(chroot);
                CuratorFramework bergenLink = ClusterRunTakeoverTest.client(chroot);
                ZooKeeperCoordinator witnessAgent = ZooKeeperCoordinator.start(ClusterRunTakeoverTest.config(chroot, "witness"), CLOCK)) {
            ReplicationFixture.start(pair);
            String cluster = pair.config().cluster();
            ZooKeeperRuns zk = witnessAgent.runs().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> witnessAgent.status().session().live());
            FailoverRunner runner = new FailoverRunner(pair.config(), witness, CLOCK, alerts::add, new NoOpTrafficSwitch(),
                    new NoOpFileSyncDirector());
            runner.clusterRuns(new ClusterRuns(zk, "witness", witness, CLOCK));

            // 1. oslo's agent hangs before the promotion; the old primary serves on: the witness stops the run.
            CountDownLatch osloGoesOn = new CountDownLatch(1);
            CompletableFuture<ExecutionResult> osloRun = hangInApply("oslo", oslo,
                    new ClusterRuns(new ZooKeeperRuns(osloLink), "oslo", oslo, CLOCK), cluster, "automatic-detection", ran,
                    osloGoesOn);
            FailoverRunner.Recovery stopped = runner.resumeUnfinished().orElseThrow();
            assertThat(stopped.plan().action()).as(stopped.plan().reason()).isEqualTo(RecoveryAction.ABORT_SAFELY);
            assertThat(stopped.plan().reason()).contains("oslo-db is writable again");
            assertThat(stopped.record().ending()).isEqualTo(FailoverEnding.ABORTED_BEFORE_PROMOTION);
            assertThat(zk.history(5).get(0)).satisfies(r -> {
                assertThat(r.key()).startsWith("oslo/");
                assertThat(r.agent()).isEqualTo("witness");
                assertThat(r.ending()).isEqualTo(FailoverEnding.ABORTED_BEFORE_PROMOTION);
            });
            osloGoesOn.countDown();
            assertThat(osloRun.get(20, TimeUnit.SECONDS).outcome()).isEqualTo(FailoverOutcome.RUNNING);
            assertThat(ran).containsExactly("oslo FENCE_OLD_PRIMARY", "oslo APPLY_RELAY_LOG");

            // 2. The primary dies; bergen's agent begins a failover and hangs in APPLY_RELAY_LOG: the witness resumes
            //    it from there on the real servers, and it completes.
            pair.primary.kill();
            CountDownLatch bergenGoesOn = new CountDownLatch(1);
            CompletableFuture<ExecutionResult> bergenRun = hangInApply("bergen", bergen,
                    new ClusterRuns(new ZooKeeperRuns(bergenLink), "bergen", bergen, CLOCK), cluster, "operator-force", ran,
                    bergenGoesOn);
            FailoverRunner.Recovery resumed = runner.resumeUnfinished().orElseThrow();
            assertThat(resumed.plan().action()).as(resumed.plan().reason()).isEqualTo(RecoveryAction.RESUME_FROM);
            assertThat(resumed.plan().resumeFrom()).isEqualTo(StepName.APPLY_RELAY_LOG);
            assertThat(resumed.record().ending()).as(resumed.record().toString()).isEqualTo(FailoverEnding.COMPLETED);
            assertThat(witness.currentEpoch()).isEqualTo(1);
            bergenGoesOn.countDown();
            assertThat(bergenRun.get(20, TimeUnit.SECONDS).outcome()).isEqualTo(FailoverOutcome.RUNNING);
            assertThat(ran).filteredOn(s -> s.startsWith("bergen")).containsExactly("bergen FENCE_OLD_PRIMARY",
                    "bergen APPLY_RELAY_LOG");
            assertThat(zk.history(5)).extracting(ClusterRun::agent, ClusterRun::ending).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("witness", FailoverEnding.COMPLETED),
                    org.assertj.core.groups.Tuple.tuple("witness", FailoverEnding.ABORTED_BEFORE_PROMOTION));

            // 3. oslo's agent, whose own journal never saw a promotion, honours the cluster's cooldown.
            FailoverRunner osloRunner = new FailoverRunner(pair.config(), oslo, CLOCK, alerts::add, new NoOpTrafficSwitch(),
                    new NoOpFileSyncDirector());
            osloRunner.clusterRuns(new ClusterRuns(new ZooKeeperRuns(osloLink), "oslo", oslo, CLOCK));
            assertThat(osloRunner.resumeUnfinished()).isEmpty();
            assertThat(oslo.unfinishedFailover()).isEmpty();
            var plan = osloRunner.prepare(FailoverRunner.Request.automatic(PrimaryHealth.DOWN, null)).plan();
            assertThat(plan.refusals()).extracting(r -> r.reason()).contains(RefusalReason.COOLDOWN_ACTIVE);
        }
    }
}
