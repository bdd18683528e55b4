package no.vakt.failover.steps;

import static no.vakt.failover.steps.PairSql.column;
import static no.vakt.failover.steps.PairSql.readOnly;
import static no.vakt.failover.steps.PairSql.scalar;
import static no.vakt.failover.steps.PairSql.slaveStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import no.vakt.alert.Alert;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.failover.FrozenServer;
import no.vakt.failover.plan.FailoverStep;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;
import no.vakt.journal.Journal;
import no.vakt.journal.StepOutcome;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** The promotion steps against a real replicating pair, each run twice to prove it is safe to repeat. */
class PromotionStepsTest {
    static final StepContext CTX = new StepContext(1, "test", "oslo-db", "bergen-db", 1, true);

    @Test
    void stepsActOnRealNodesAndAreSafeToRepeat() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            ReplicationFixture.start(pair);
            VaktConfig config = pair.config();
            StepNodes nodes = new StepNodes(config, new NodeInspector(Duration.ofSeconds(2)));

            // Promoting while the old primary is writable would make two writable nodes: refused, nothing changed.
            StepResult early = new PromoteStandbyStep(nodes).execute(CTX);
            assertThat(early.outcome()).isEqualTo(StepOutcome.FAILED);
            assertThat(early.detail()).contains("two writable nodes");
            assertThat(readOnly(pair.standby)).isTrue();
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isEqualTo("Yes");

            // Received but not applied: the apply step must start the stopped SQL thread and apply it.
            TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
            for (int i = 1; i <= 5; i++) TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (" + i + ")");

            try (Connection held = pair.primary.rootConnection()) {
                FenceOldPrimaryStep fence = new FenceOldPrimaryStep(nodes);
                StepResult fenced = fence.execute(CTX);
                assertThat(fenced.outcome()).isEqualTo(StepOutcome.OK);
                assertThat(fenced.detail()).contains("read_only=ON").contains("MariaDB has no super_read_only");
                assertThat(PairSql.killed(held)).isTrue();
                assertThat(fence.execute(CTX).outcome()).isEqualTo(StepOutcome.OK);
            }
            assertThat(readOnly(pair.primary)).isTrue();

            ApplyRelayLogStep apply = new ApplyRelayLogStep(nodes, Duration.ofSeconds(10));
            StepResult applied = apply.execute(CTX);
            assertThat(applied.outcome()).as(applied.detail()).isEqualTo(StepOutcome.OK);
            assertThat(applied.detail()).contains("started the stopped SQL thread").contains("whole binlog");
            assertThat(column(pair.standby, "SELECT id FROM shop.orders ORDER BY id")).containsExactly("1", "2", "3", "4", "5");

            java.util.List<Alert> alerts = new java.util.ArrayList<>();
            CheckDataLossStep check = new CheckDataLossStep(nodes, Clock.systemUTC(), Duration.ofSeconds(1), alerts::add,
                    Optional::empty);
            StepResult checked = check.execute(CTX);
            assertThat(checked.outcome()).as(checked.detail()).isEqualTo(StepOutcome.OK);
            assertThat(checked.detail()).contains("every transaction of the old primary");
            assertThat(alerts).isEmpty();

            PromoteStandbyStep promote = new PromoteStandbyStep(nodes);
            StepResult first = promote.execute(CTX);
            assertThat(first.outcome()).as(first.detail()).isEqualTo(StepOutcome.OK);
            StepResult second = promote.execute(CTX);
            assertThat(second.outcome()).isEqualTo(StepOutcome.SKIPPED);
            assertThat(second.detail()).contains("already promoted");
            assertThat(readOnly(pair.standby)).isFalse();
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isNull();

            VerifyWriteStep verify = new VerifyWriteStep(nodes);
            assertThat(verify.execute(CTX).outcome()).isEqualTo(StepOutcome.OK);
            assertThat(verify.execute(CTX).outcome()).isEqualTo(StepOutcome.OK);

            try (Journal journal = new Journal(pair.dir.resolve("journal.db"), Clock.systemUTC())) {
                BumpEpochStep bump = new BumpEpochStep(nodes, journal);
                assertThat(bump.execute(CTX).detail()).contains("epoch 1 recorded");
                assertThat(bump.execute(CTX).detail()).contains("epoch 1 already");
                assertThat(journal.currentEpoch()).isEqualTo(1);
            }
            assertThat(scalar(pair.standby, "SELECT CONCAT(epoch, ' ', primary_node) FROM vakt.cluster")).contains("1 bergen-db");
        }
    }

    @Test
    void fencingAnUnreachableOldPrimaryIsSkippedWithTheErrorAndTheDataLossCheckAlerts() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            VaktConfig config = pair.config();
            StepNodes nodes = new StepNodes(config, new NodeInspector(Duration.ofSeconds(2)));
            pair.primary.kill();

            StepResult fenced = new FenceOldPrimaryStep(nodes).execute(CTX);
            assertThat(fenced.outcome()).isEqualTo(StepOutcome.SKIPPED);
            assertThat(fenced.detail()).contains("oslo-db does not answer (").contains("SQL fencing skipped");

            // No heartbeat ever reached the standby and the old primary is gone: the loss cannot be verified.
            java.util.List<Alert> alerts = new java.util.ArrayList<>();
            CheckDataLossStep check = new CheckDataLossStep(nodes, Clock.systemUTC(), Duration.ofSeconds(1), alerts::add,
                    Optional::empty);
            StepResult refused = check.execute(CTX);
            assertThat(refused.outcome()).isEqualTo(StepOutcome.FAILED);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).event()).contains("data loss beyond the RPO");
            StepResult forced = check.execute(new StepContext(1, "test", "oslo-db", "bergen-db", 1, false));
            assertThat(forced.outcome()).isEqualTo(StepOutcome.OK);
            assertThat(forced.detail()).startsWith("RPO waived by --force");
        }
    }

    /** A step's result and how long it took. */
    record Timed(StepResult result, Duration took) {}

    static Timed timed(FailoverStep step, StepContext ctx) throws Exception {
        long start = System.nanoTime();
        StepResult r = step.execute(ctx);
        return new Timed(r, Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void aBlackHoledOldPrimaryCostsTheRunOneConnectTimeoutNotOnePerStep() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            ReplicationFixture.start(pair);
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (1)");
            ReplicationFixture.awaitCaughtUp(pair);
            VaktConfig config = pair.config();
            Duration timeout = config.policy().checks().timeout();
            StepNodes nodes = new StepNodes(config, new NodeInspector(timeout));
            // The promotion trusts a finding for checks.interval; long here, so that a slow machine does not
            // turn "not asked again" into "re-checked" and fail the test for the wrong reason.
            OldPrimaryReachability known = new OldPrimaryReachability(Clock.systemUTC(), Duration.ofSeconds(30), timeout);
            StepContext forced = new StepContext(1, "test", "oslo-db", "bergen-db", 1, false);

            try (FrozenServer frozen = FrozenServer.freeze(pair.primary)) {
                Timed fence = timed(new FenceOldPrimaryStep(nodes, known), forced);
                assertThat(fence.result().outcome()).isEqualTo(StepOutcome.SKIPPED);
                assertThat(fence.result().detail()).contains("oslo-db does not answer (");
                // A black hole: the connect waited out the timeout instead of being refused.
                assertThat(fence.took()).isGreaterThan(timeout.dividedBy(2));
                assertThat(known.known(forced)).get().extracting(OldPrimaryReachability.NoAnswer::foundBy)
                        .isEqualTo(StepName.FENCE_OLD_PRIMARY);

                // The standby's IO thread still says Yes (nothing was refused): APPLY_RELAY_LOG would ask the
                // old primary for its binlog position, and does not.
                assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isEqualTo("Yes");
                Timed apply = timed(new ApplyRelayLogStep(nodes, Duration.ofSeconds(10), known), forced);
                assertThat(apply.result().outcome()).as(apply.result().detail()).isEqualTo(StepOutcome.OK);
                assertThat(apply.result().detail())
                        .contains("oslo-db not asked again: FENCE_OLD_PRIMARY found it not answering")
                        .contains("relay log applied on bergen-db");

                Timed check = timed(new CheckDataLossStep(nodes, Clock.systemUTC(), Duration.ofSeconds(1),
                        a -> {}, Optional::empty, known), forced);
                assertThat(check.result().outcome()).as(check.result().detail()).isEqualTo(StepOutcome.OK);
                assertThat(check.result().detail()).contains("oslo-db not asked again: FENCE_OLD_PRIMARY found it");

                // The two-writable-primaries guard still asks, within the short bound.
                Timed promote = timed(new PromoteStandbyStep(nodes, known), forced);
                assertThat(promote.result().outcome()).as(promote.result().detail()).isEqualTo(StepOutcome.OK);
                assertThat(promote.result().detail())
                        .startsWith("oslo-db re-checked within 250 ms (FENCE_OLD_PRIMARY found it not answering")
                        .contains("no answer (")
                        .contains("bergen-db: STOP SLAVE; RESET SLAVE ALL; read_only=OFF");

                // Each waited a full connect timeout before (the drill showed ~1010 ms each); bounds generous
                // for a busy machine: the point is "not a timeout each", the speed itself is bench/'s business.
                assertThat(apply.took()).as("APPLY_RELAY_LOG").isLessThan(timeout.dividedBy(2));
                assertThat(check.took()).as("CHECK_DATA_LOSS").isLessThan(timeout.dividedBy(2));
                assertThat(promote.took()).as("PROMOTE_STANDBY").isLessThan(timeout.multipliedBy(3).dividedBy(4));
            }
            assertThat(readOnly(pair.standby)).isFalse();
        }
    }

    @Test
    void anOldPrimaryThatCameBackWritableIsStillRefusedByTheBriefRecheck() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            VaktConfig config = pair.config();
            Duration timeout = config.policy().checks().timeout();
            StepNodes nodes = new StepNodes(config, new NodeInspector(timeout));
            OldPrimaryReachability known = new OldPrimaryReachability(Clock.systemUTC(),
                    config.policy().checks().interval(), timeout);
            pair.primary.kill();

            StepResult fenced = new FenceOldPrimaryStep(nodes, known).execute(CTX);
            assertThat(fenced.outcome()).isEqualTo(StepOutcome.SKIPPED);
            assertThat(known.known(CTX)).as("a refused connect is a connection-level failure too").isPresent();

            // It restarts writable (as after a crash) before the promotion: the re-check must see it.
            pair.primary.start();
            StepResult promote = new PromoteStandbyStep(nodes, known).execute(CTX);
            assertThat(promote.outcome()).isEqualTo(StepOutcome.FAILED);
            assertThat(promote.detail())
                    .startsWith("oslo-db re-checked within 250 ms (FENCE_OLD_PRIMARY found it not answering")
                    .contains("it answers")
                    .contains("two writable nodes");
            assertThat(readOnly(pair.standby)).isTrue();
            // It answered: the later steps ask it normally again.
            assertThat(known.known(CTX)).isEmpty();
        }
    }
}
