package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import no.vakt.config.CoordinationConfig;
import no.vakt.failover.ActingGate;
import no.vakt.failover.ClusterRuns;
import no.vakt.failover.plan.ExecutionResult;
import no.vakt.failover.plan.FailoverStep;
import no.vakt.failover.plan.NodeView;
import no.vakt.failover.plan.PlanExecutor;
import no.vakt.failover.plan.RecoveryAction;
import no.vakt.failover.plan.RecoveryInput;
import no.vakt.failover.plan.RecoveryPlan;
import no.vakt.failover.plan.RecoveryPlanner;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepPlan;
import no.vakt.failover.plan.StepRecorder;
import no.vakt.failover.plan.StepResult;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
import no.vakt.journal.StepOutcome;
import no.vakt.maintenance.Actor;
import no.vakt.maintenance.Maintenance;
import no.vakt.maintenance.PauseStore;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running failover in ZooKeeper (a real server, agents in this JVM): the leader records each step before it
 * runs; when it loses authority mid-run, the new leader adopts the run into its own journal and resumes it through
 * crash recovery, and the old leader's late write is refused, so it stops.
 */
class ClusterRunTakeoverTest {
    private static final Duration SESSION = Duration.ofSeconds(3);
    private static final Clock CLOCK = Clock.systemUTC();
    static ZooKeeperServers servers;

    @TempDir
    Path dir;

    @BeforeAll
    static void server() throws Exception {
        Path tmp = Path.of(System.getProperty("vakt.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(tmp);
        servers = ZooKeeperServers.start(Files.createTempDirectory(tmp, "zkr"), 1);
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    static CoordinationConfig config(String chroot, String agent) {
        return new CoordinationConfig(servers.connectString(), chroot, SESSION, Duration.ofSeconds(2), agent);
    }

    /** A Curator client of its own: the old leader's link that outlives its lost leadership (a long pause, a partition). */
    static CuratorFramework client(String chroot) {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(servers.connectString())
                .namespace(chroot.substring(1)).sessionTimeoutMs(10_000).connectionTimeoutMs(2000)
                .retryPolicy(new RetryNTimes(3, 200)).build();
        c.start();
        return c;
    }

    /** The steps of a failover that note which agent ran them; the one named {@code blockAt} waits for {@code release}. */
    static List<FailoverStep> steps(String agent, List<String> ran, StepName blockAt, CountDownLatch atBlock,
            CountDownLatch release) {
        return Arrays.stream(StepName.values()).map(n -> (FailoverStep) new FailoverStep() {
            @Override
            public StepName name() {
                return n;
            }

            @Override
            public StepResult execute(StepContext ctx) throws Exception {
                ran.add(agent + " " + n);
                if (n == blockAt) {
                    atBlock.countDown();
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                }
                return StepResult.ok(n + " by " + agent);
            }
        }).toList();
    }

    /** The example config as agent {@code agent} sees it; its API on an address of this test's range, where no daemon is. */
    private Path agentConfig(String chroot, String agent) throws java.io.IOException {
        Path cfg = dir.resolve(agent + ".yml");
        Files.writeString(cfg, Files.readString(Path.of("examples/vakt.yml")).replace("listen: 127.0.0.1:8787",
                "listen: 127.0.160.7:8787") + "\ncoordination:\n  zookeeper: \"" + servers.connectString() + "\"\n  chroot: "
                + chroot + "\n  agent: " + agent + "\n");
        return cfg;
    }

    /** The cluster's pause state over {@code link}, as vakt run shares it. */
    private static PauseStore shared(CuratorFramework link) {
        ZooKeeperRuns runs = new ZooKeeperRuns(link);
        return new PauseStore() {
            @Override
            public java.util.Optional<String> latest() {
                return runs.pause();
            }

            @Override
            public void write(String json) {
                runs.pause(json);
            }
        };
    }

    @Test
    void aPauseSetThroughOneAgentHoldsOnAnotherAndAResumeThroughAnyEndsIt() throws Exception {
        String chroot = "/vakt/pause";
        // oslo pauses without a daemon: its journal and ZooKeeper.
        no.vakt.testing.Cli paused = no.vakt.testing.Cli.run("pause", "--config", agentConfig(chroot, "oslo").toString(),
                "--journal", dir.resolve("oslo.db").toString(), "--for", "10m", "--reason", "db upgrade");
        assertThat(paused.exitCode()).as(paused.err()).isZero();
        assertThat(paused.out()).contains("and to ZooKeeper");
        try (Journal oslo = new Journal(dir.resolve("oslo.db"), CLOCK);
                Journal bergen = new Journal(dir.resolve("bergen.db"), CLOCK);
                CuratorFramework link = client(chroot)) {
            Maintenance onBergen = new Maintenance(bergen, "shop", CLOCK).share(shared(link));
            assertThat(onBergen.active()).hasValueSatisfying(p -> {
                assertThat(p.reason()).isEqualTo("db upgrade");
                assertThat(p.until()).isAfter(java.time.Instant.now().plus(Duration.ofMinutes(9)));
            });
            // Without coordination a journal is its own record, as before agents.
            assertThat(new Maintenance(bergen, "shop", CLOCK).active()).isEmpty();

            assertThat(onBergen.resume(new Actor("bob", null))).isPresent();
            String cluster = no.vakt.config.ConfigLoader.load(Path.of("examples/vakt.yml")).cluster();
            assertThat(new Maintenance(oslo, cluster, CLOCK).active()).as("oslo's journal alone").isPresent();
            assertThat(new Maintenance(oslo, cluster, CLOCK).share(shared(link)).active()).as("the cluster's").isEmpty();
        }
    }

    @Test
    void theNewLeaderResumesFromTheStepTheOldOneDiedInAndTheOldLeadersLateWriteIsRefused() throws Exception {
        String chroot = "/vakt/takeover";
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch inVerify = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Journal oslo = new Journal(dir.resolve("oslo.db"), CLOCK);
                Journal bergen = new Journal(dir.resolve("bergen.db"), CLOCK);
                CuratorFramework osloLink = client(chroot);
                ZooKeeperCoordinator osloAgent = ZooKeeperCoordinator.start(config(chroot, "oslo"), CLOCK)) {
            await().atMost(Duration.ofSeconds(10)).until(osloAgent::mayAct);
            try (ZooKeeperCoordinator bergenAgent = ZooKeeperCoordinator.start(config(chroot, "bergen"), CLOCK)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> "oslo".equals(bergenAgent.status().leader()));

                // oslo runs a failover and hangs in VERIFY_WRITE, past the point of no return.
                ClusterRuns osloRuns = new ClusterRuns(new ZooKeeperRuns(osloLink), "oslo", oslo, CLOCK);
                long id = oslo.beginFailover(new NewFailover("shop", "db-oslo", "db-bergen", "automatic", "automatic-detection", 5));
                StepContext ctx = new StepContext(id, "shop", "db-oslo", "db-bergen", 5, true);
                CompletableFuture<ExecutionResult> osloRun = CompletableFuture.supplyAsync(() -> new PlanExecutor(oslo,
                        steps("oslo", ran, StepName.VERIFY_WRITE, inVerify, release), osloRuns.fresh()).run(ctx));
                assertThat(inVerify.await(10, TimeUnit.SECONDS)).isTrue();
                ZooKeeperRuns.Versioned before = bergenAgent.runs().orElseThrow().current().orElseThrow();
                // Written before the step ran: the cluster knows oslo is in VERIFY_WRITE.
                assertThat(before.run().steps()).extracting(ClusterRun.Step::name, ClusterRun.Step::outcome).endsWith(
                        org.assertj.core.groups.Tuple.tuple("PROMOTE_STANDBY", StepOutcome.OK),
                        org.assertj.core.groups.Tuple.tuple("VERIFY_WRITE", null));

                // oslo's agent loses its leadership (its session ends); bergen gets authority.
                osloAgent.close();
                await().atMost(SESSION.plusSeconds(3)).until(bergenAgent::mayAct);

                // bergen's crash recovery: the cluster's run is imported into bergen's journal and claimed.
                ClusterRuns bergenRuns = new ClusterRuns(bergenAgent.runs().orElseThrow(), "bergen", bergen, CLOCK);
                StepRecorder recorder = bergenRuns.forRecovery().orElseThrow();
                FailoverRecord adopted = bergen.unfinishedFailover().orElseThrow();
                assertThat(adopted.steps()).extracting(s -> s.name()).containsExactly("FENCE_OLD_PRIMARY",
                        "APPLY_RELAY_LOG", "CHECK_DATA_LOSS", "PROMOTE_STANDBY", "VERIFY_WRITE");
                RecoveryPlan plan = RecoveryPlanner.plan(new RecoveryInput(adopted, NodeView.unreachable("db-oslo"),
                        new NodeView("db-bergen", true, true, false, 4L), bergen.currentEpoch()));
                assertThat(plan.action()).isEqualTo(RecoveryAction.RESUME_FROM);
                assertThat(plan.resumeFrom()).isEqualTo(StepName.VERIFY_WRITE);

                // oslo wakes up: its step's result is refused (bergen holds the run), so it runs nothing more.
                release.countDown();
                ExecutionResult osloEnd = osloRun.get(20, TimeUnit.SECONDS);
                assertThat(osloEnd.outcome()).isEqualTo(FailoverOutcome.RUNNING);
                assertThat(osloEnd.detail()).contains("agent bergen holds the cluster's run oslo/" + id);
                // And a late write straight at the version oslo last saw is refused too.
                assertThat(new ZooKeeperRuns(osloLink).update(before.run(), before.version()))
                        .isInstanceOf(RunWrite.Refused.class);

                ExecutionResult bergenEnd = new PlanExecutor(bergen, steps("bergen", ran, null, null, null), recorder)
                        .resume(adopted, StepName.VERIFY_WRITE);
                assertThat(bergenEnd.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
                assertThat(ran).containsExactly("oslo FENCE_OLD_PRIMARY", "oslo APPLY_RELAY_LOG", "oslo CHECK_DATA_LOSS",
                        "oslo PROMOTE_STANDBY", "oslo VERIFY_WRITE", "bergen VERIFY_WRITE", "bergen HANDOVER",
                        "bergen BUMP_EPOCH");

                // The cluster's history, on any agent: one run, begun by oslo, finished by bergen.
                List<ClusterRun> history = bergenAgent.runs().orElseThrow().history(10);
                assertThat(history).hasSize(1);
                ClusterRun run = history.get(0);
                assertThat(run.key()).startsWith("oslo/" + id + "@");
                assertThat(run.agent()).isEqualTo("bergen");
                assertThat(run.ending()).isEqualTo(FailoverEnding.COMPLETED);
                assertThat(run.steps()).extracting(s -> s.agent() + " " + s.name() + " " + s.outcome().label())
                        .containsExactly("oslo FENCE_OLD_PRIMARY ok", "oslo APPLY_RELAY_LOG ok", "oslo CHECK_DATA_LOSS ok",
                                "oslo PROMOTE_STANDBY ok", "oslo VERIFY_WRITE failed", "bergen VERIFY_WRITE ok",
                                "bergen HANDOVER ok", "bergen BUMP_EPOCH ok");

                // oslo, leader again some day, ends its own row as the cluster's record says and adopts nothing.
                assertThat(osloRuns.forRecovery()).isPresent();
                assertThat(oslo.unfinishedFailover()).isEmpty();
                FailoverRecord osloRow = oslo.failover(id).orElseThrow();
                assertThat(osloRow.ending()).isEqualTo(FailoverEnding.COMPLETED);
                assertThat(osloRow.summary()).startsWith("finished by agent bergen");
                assertThat(bergen.unfinishedFailover()).isEmpty();

                // vakt history on oslo's host shows the cluster's record, bergen's steps included, before its journal.
                Path cfg = agentConfig(chroot, "oslo");
                no.vakt.testing.Cli text = no.vakt.testing.Cli.run("history", "--config", cfg.toString(), "--journal",
                        dir.resolve("oslo.db").toString());
                assertThat(text.exitCode()).as(text.err()).isZero();
                assertThat(text.out()).contains("Cluster failovers (ZooKeeper").contains(run.key() + " ")
                        .contains("db-oslo -> db-bergen, completed").contains("by agent bergen")
                        .containsPattern("HANDOVER\\s+ok\\s+\\d+ ms\\s+bergen: HANDOVER by bergen")
                        .contains("finished by agent bergen");
                no.vakt.testing.Cli json = no.vakt.testing.Cli.run("history", "--config", cfg.toString(), "--journal",
                        dir.resolve("oslo.db").toString(), "--json");
                var doc = no.vakt.journal.JournalJson.mapper().readTree(json.out());
                assertThat(doc.get("cluster_failovers").get(0).get("key").asText()).isEqualTo(run.key());
                assertThat(doc.get("cluster_failovers").get(0).get("ending").asText()).isEqualTo("completed");
            }
        }
    }

    @Test
    void anAdopterPromotesWhenTheDeadLeaderHadMovedTheEpochAndAStopBeforeThePromotionEndsTheClusterRecord() throws Exception {
        String chroot = "/vakt/epoch-moved";
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch inPromote = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Journal oslo = new Journal(dir.resolve("oslo.db"), CLOCK);
                Journal bergen = new Journal(dir.resolve("bergen.db"), CLOCK);
                CuratorFramework osloLink = client(chroot);
                ZooKeeperCoordinator osloAgent = ZooKeeperCoordinator.start(config(chroot, "oslo"), CLOCK)) {
            await().atMost(Duration.ofSeconds(10)).until(osloAgent::mayAct);
            try (ZooKeeperCoordinator bergenAgent = ZooKeeperCoordinator.start(config(chroot, "bergen"), CLOCK)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> "oslo".equals(bergenAgent.status().leader()));

                // oslo's gate moves the epoch to 1 for the promotion; oslo dies in PROMOTE_STANDBY (bench/ha's kill -9).
                ClusterRuns osloRuns = new ClusterRuns(new ZooKeeperRuns(osloLink), "oslo", oslo, CLOCK);
                long id = oslo.beginFailover(new NewFailover("shop", "db-oslo", "db-bergen", "automatic", "automatic-detection", 1));
                StepContext ctx = new StepContext(id, "shop", "db-oslo", "db-bergen", 1, true);
                CompletableFuture<ExecutionResult> osloRun = CompletableFuture.supplyAsync(() -> new PlanExecutor(oslo,
                        StepPlan.failover(steps("oslo", ran, StepName.PROMOTE_STANDBY, inPromote, release)),
                        new ActingGate(osloAgent, line -> { }).steps(), osloRuns.fresh()).run(ctx));
                assertThat(inPromote.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(bergenAgent.epoch()).hasValue(1);
                osloAgent.close();
                await().atMost(SESSION.plusSeconds(3)).until(bergenAgent::mayAct);

                // bergen adopts the run: the epoch at the run's is this run's doing, so bergen promotes and finishes.
                StepRecorder recorder = new ClusterRuns(bergenAgent.runs().orElseThrow(), "bergen", bergen, CLOCK).forRecovery()
                        .orElseThrow();
                FailoverRecord adopted = bergen.unfinishedFailover().orElseThrow();
                ExecutionResult end = new PlanExecutor(bergen, StepPlan.failover(steps("bergen", ran, null, null, null)),
                        new ActingGate(bergenAgent, line -> { }).steps(), recorder).resume(adopted, StepName.PROMOTE_STANDBY);
                assertThat(end.outcome()).as(end.detail()).isEqualTo(FailoverOutcome.COMPLETED);
                assertThat(ran).contains("bergen PROMOTE_STANDBY", "bergen BUMP_EPOCH");
                assertThat(bergenAgent.epoch()).hasValue(1);
                release.countDown();
                assertThat(osloRun.get(20, TimeUnit.SECONDS).outcome()).isEqualTo(FailoverOutcome.RUNNING);

                // A run whose epoch another agent passed stops before the promotion, and the cluster's record ends
                // with it: left running it would refuse every later failover.
                assertThat(bergenAgent.advanceEpoch(1, 3)).isInstanceOf(EpochUpdate.Advanced.class);
                long next = bergen.beginFailover(new NewFailover("shop", "db-bergen", "db-oslo", "automatic",
                        "automatic-detection", 2));
                ExecutionResult stopped = new PlanExecutor(bergen, StepPlan.failover(steps("bergen", ran, null, null, null)),
                        new ActingGate(bergenAgent, line -> { }).steps(),
                        new ClusterRuns(bergenAgent.runs().orElseThrow(), "bergen", bergen, CLOCK).fresh())
                        .run(new StepContext(next, "shop", "db-bergen", "db-oslo", 2, true));
                assertThat(stopped.outcome()).isEqualTo(FailoverOutcome.ABORTED);
                assertThat(stopped.detail()).contains("another agent moved it");
                ClusterRun record = bergenAgent.runs().orElseThrow().current().orElseThrow().run();
                assertThat(record.key()).startsWith("bergen/" + next + "@");
                assertThat(record.running()).isFalse();
                assertThat(record.ending()).isEqualTo(FailoverEnding.ABORTED_BEFORE_PROMOTION);
            }
        }
    }
}
