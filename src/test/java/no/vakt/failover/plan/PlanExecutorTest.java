package no.vakt.failover.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import no.vakt.config.FailoverMode;
import no.vakt.failover.FailoverRunner;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.StepOutcome;
import no.vakt.journal.StepRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanExecutorTest {
    @TempDir
    Path dir;

    private Journal journal;
    private final List<StepName> executed = new ArrayList<>();
    private final Map<StepName, Behaviour> behaviour = new EnumMap<>(StepName.class);

    /** What a fake step does when run. */
    @FunctionalInterface
    interface Behaviour {
        StepResult run(StepContext ctx) throws Exception;
    }

    /** Stands in for kill -9: nothing after it runs, nothing is journaled. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("kill -9");
        }
    }

    @BeforeEach
    void open() {
        journal = new Journal(dir.resolve("journal.db"), Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        journal.close();
    }

    private PlanExecutor executor() {
        List<FailoverStep> steps = Arrays.stream(StepName.values()).map(n -> (FailoverStep) new FailoverStep() {
            @Override
            public StepName name() {
                return n;
            }

            @Override
            public StepResult execute(StepContext ctx) throws Exception {
                executed.add(n);
                Behaviour b = behaviour.get(n);
                return b == null ? StepResult.ok(n + " done") : b.run(ctx);
            }
        }).toList();
        return new PlanExecutor(journal, steps);
    }

    private static FailoverPlan plan(Trigger trigger) {
        return FailoverPlanner.plan(FailoverPlannerTest.base().trigger(trigger).build());
    }

    private static FailoverPlan plan() {
        return plan(Trigger.automatic());
    }

    @Test
    void runsEveryStepInOrderAndJournalsEachStartAndEnd() {
        ExecutionResult r = executor().start(plan());
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
        assertThat(r.stoppedAt()).isNull();
        assertThat(executed).containsExactly(StepName.values());

        FailoverRecord f = journal.failover(r.failoverId()).orElseThrow();
        assertThat(f.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
        assertThat(f.fromNode()).isEqualTo("db-oslo");
        assertThat(f.toNode()).isEqualTo("db-bergen");
        assertThat(f.mode()).isEqualTo("automatic");
        assertThat(f.trigger()).isEqualTo("automatic-detection");
        assertThat(f.epoch()).isEqualTo(5);
        assertThat(f.summary()).isEqualTo("db-oslo -> db-bergen, epoch 5");
        assertThat(f.steps()).extracting(StepRecord::name)
                .containsExactly(Arrays.stream(StepName.values()).map(Enum::name).toArray(String[]::new));
        assertThat(f.steps()).allMatch(s -> s.outcome() == StepOutcome.OK && s.endedAt() != null);
        assertThat(f.steps().get(0).detail()).isEqualTo("FENCE_OLD_PRIMARY done");
        assertThat(journal.history(100)).filteredOn(e -> e.kind() == EventKind.FAILOVER_STEP).hasSize(1 + 2 * 7 + 1);
        assertThat(journal.lastFailoverEnd()).isPresent();
    }

    @Test
    void givesEveryStepTheFailoversContext() {
        List<StepContext> seen = new ArrayList<>();
        behaviour.put(StepName.CHECK_DATA_LOSS, ctx -> {
            seen.add(ctx);
            return StepResult.ok(null);
        });
        long id = executor().start(plan()).failoverId();
        assertThat(seen).containsExactly(new StepContext(id, "shop", "db-oslo", "db-bergen", 5, true));
    }

    @Test
    void skippedStepsDoNotStopThePlan() {
        behaviour.put(StepName.FENCE_OLD_PRIMARY, ctx -> StepResult.skipped("db-oslo does not answer"));
        ExecutionResult r = executor().start(plan());
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
        assertThat(journal.failover(r.failoverId()).orElseThrow().steps().get(0))
                .extracting(StepRecord::outcome, StepRecord::detail)
                .containsExactly(StepOutcome.SKIPPED, "db-oslo does not answer");
    }

    @Test
    void stopsAtTheFirstFailedStepAndAbortsTheFailover() {
        behaviour.put(StepName.CHECK_DATA_LOSS, ctx -> StepResult.failed("expected loss 4900 ms > RPO 1000 ms"));
        ExecutionResult r = executor().start(plan());
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.ABORTED);
        assertThat(r.stoppedAt()).isEqualTo(StepName.CHECK_DATA_LOSS);
        assertThat(r.detail()).isEqualTo("CHECK_DATA_LOSS failed: expected loss 4900 ms > RPO 1000 ms");
        assertThat(executed).containsExactly(StepName.FENCE_OLD_PRIMARY, StepName.APPLY_RELAY_LOG, StepName.CHECK_DATA_LOSS);
        FailoverRecord f = journal.failover(r.failoverId()).orElseThrow();
        assertThat(f.outcome()).isEqualTo(FailoverOutcome.ABORTED);
        assertThat(f.ending()).isEqualTo(FailoverEnding.ABORTED_BEFORE_PROMOTION);
        assertThat(f.summary()).isEqualTo(r.detail());
        assertThat(f.steps()).extracting(StepRecord::name, StepRecord::outcome).containsExactly(
                tuple("FENCE_OLD_PRIMARY", StepOutcome.OK),
                tuple("APPLY_RELAY_LOG", StepOutcome.OK),
                tuple("CHECK_DATA_LOSS", StepOutcome.FAILED));
        assertThat(journal.lastFailoverEnd()).as("an aborted failover starts no cooldown").isEmpty();
    }

    @Test
    void aFailedTrafficSwitchCompletesTheFailoverWithTrafficPendingAndStillBumpsTheEpoch() {
        behaviour.put(StepName.HANDOVER, ctx -> StepResult.trafficPending("file sync now from db-bergen; traffic switch"
                + " to db-bergen failed: BADSIG"));
        ExecutionResult r = executor().start(plan());
        assertThat(executed).as("every step ran").containsExactly(StepName.values());
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
        assertThat(r.trafficPending()).isTrue();
        assertThat(r.promoted()).isTrue();
        assertThat(r.ending()).isEqualTo(FailoverEnding.COMPLETED_TRAFFIC_PENDING);
        assertThat(r.label()).isEqualTo("completed, traffic pending");
        FailoverRecord f = journal.failover(r.failoverId()).orElseThrow();
        assertThat(f.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
        assertThat(f.ending()).isEqualTo(FailoverEnding.COMPLETED_TRAFFIC_PENDING);
        assertThat(f.summary()).isEqualTo("traffic pending: db-oslo -> db-bergen, epoch 5; file sync now from"
                + " db-bergen; traffic switch to db-bergen failed: BADSIG");
        assertThat(f.trafficPending()).isTrue();
        assertThat(f.label()).isEqualTo("completed, traffic pending");
        assertThat(f.steps()).extracting(StepRecord::name, StepRecord::outcome).endsWith(
                tuple("HANDOVER", StepOutcome.FAILED), tuple("BUMP_EPOCH", StepOutcome.OK));
        assertThat(journal.lastFailoverEnd()).as("the roles changed: the cooldown starts").isPresent();
    }

    @Test
    void afterThePromotionAFailedStepDoesNotStopTheLaterOnes() {
        behaviour.put(StepName.VERIFY_WRITE, ctx -> StepResult.failed("canary insert timed out"));
        ExecutionResult r = executor().start(plan());
        assertThat(executed).containsExactly(StepName.values());
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.ABORTED);
        assertThat(r.stoppedAt()).isEqualTo(StepName.VERIFY_WRITE);
        assertThat(r.promoted()).isTrue();
        assertThat(r.trafficPending()).isFalse();
        assertThat(r.detail()).isEqualTo("VERIFY_WRITE failed: canary insert timed out; db-bergen was promoted (past the"
                + " point of no return), so the later steps ran");
        assertThat(journal.failover(r.failoverId()).orElseThrow().ending()).isEqualTo(FailoverEnding.ABORTED_AFTER_PROMOTION);
        assertThat(journal.failover(r.failoverId()).orElseThrow().steps()).extracting(StepRecord::name, StepRecord::outcome)
                .endsWith(tuple("VERIFY_WRITE", StepOutcome.FAILED), tuple("HANDOVER", StepOutcome.OK),
                        tuple("BUMP_EPOCH", StepOutcome.OK));
    }

    @Test
    void aFailedPromotionStillStopsTheRun() {
        behaviour.put(StepName.PROMOTE_STANDBY, ctx -> StepResult.failed("db-oslo answers and is writable"));
        ExecutionResult r = executor().start(plan());
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.ABORTED);
        assertThat(r.promoted()).isFalse();
        assertThat(journal.failover(r.failoverId()).orElseThrow().ending()).isEqualTo(FailoverEnding.ABORTED_BEFORE_PROMOTION);
        assertThat(executed).doesNotContain(StepName.VERIFY_WRITE, StepName.HANDOVER, StepName.BUMP_EPOCH);
    }

    @Test
    void aResumeAfterThePromotionRunsEveryRemainingStepWhateverFails() {
        behaviour.put(StepName.HANDOVER, ctx -> {
            throw new SimulatedCrash();
        });
        assertThatThrownBy(() -> executor().start(plan())).isInstanceOf(SimulatedCrash.class);
        behaviour.clear();
        executed.clear();
        behaviour.put(StepName.HANDOVER, ctx -> StepResult.failed("journal is read-only"));
        ExecutionResult r = executor().resume(journal.unfinishedFailover().orElseThrow(), StepName.HANDOVER);
        assertThat(executed).containsExactly(StepName.HANDOVER, StepName.BUMP_EPOCH);
        assertThat(r.promoted()).isTrue();
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.ABORTED);
        assertThat(r.stoppedAt()).isEqualTo(StepName.HANDOVER);
    }

    @Test
    void aThrowingStepIsAFailureWithItsMessage() {
        behaviour.put(StepName.VERIFY_WRITE, ctx -> {
            throw new java.sql.SQLException("The MariaDB server is running with the --read-only option");
        });
        behaviour.put(StepName.HANDOVER, ctx -> null);
        ExecutionResult r = executor().start(plan());
        assertThat(r.stoppedAt()).isEqualTo(StepName.VERIFY_WRITE);
        assertThat(journal.failover(r.failoverId()).orElseThrow().lastRunOf("VERIFY_WRITE").orElseThrow().detail())
                .isEqualTo("The MariaDB server is running with the --read-only option");
    }

    @Test
    void aStepWithoutResultFails() {
        behaviour.put(StepName.HANDOVER, ctx -> null);
        ExecutionResult r = executor().start(plan());
        assertThat(r.stoppedAt()).isEqualTo(StepName.HANDOVER);
        assertThat(r.detail()).contains("returned no result");
    }

    @Test
    void onlyAProceedingPlanStarts() {
        FailoverPlan waiting = FailoverPlanner.plan(FailoverPlannerTest.base().mode(FailoverMode.MANUAL).build());
        assertThatThrownBy(() -> executor().start(waiting)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WAIT_FOR_OPERATOR");
        assertThat(executed).isEmpty();
        assertThat(journal.failovers(10)).isEmpty();
    }

    @Test
    void needsExactlyOneImplementationPerStep() {
        assertThatThrownBy(() -> new PlanExecutor(journal, List.of())).hasMessageContaining("no step for FENCE_OLD_PRIMARY");
        FailoverStep fence = new FailoverStep() {
            @Override
            public StepName name() {
                return StepName.FENCE_OLD_PRIMARY;
            }

            @Override
            public StepResult execute(StepContext ctx) {
                return StepResult.ok(null);
            }
        };
        assertThatThrownBy(() -> new PlanExecutor(journal, List.of(fence, fence))).hasMessageContaining("two steps");
    }

    @Test
    void aCrashMidStepIsResumedFromThatStepAfterARestart() {
        behaviour.put(StepName.PROMOTE_STANDBY, ctx -> {
            throw new SimulatedCrash();
        });
        assertThatThrownBy(() -> executor().start(plan())).isInstanceOf(SimulatedCrash.class);
        FailoverRecord left = journal.unfinishedFailover().orElseThrow();
        assertThat(left.lastRunOf("PROMOTE_STANDBY").orElseThrow().finished()).isFalse();

        // restart: recovery looks at the journal and the nodes (promotion had begun, target still read-only)
        behaviour.clear();
        executed.clear();
        RecoveryPlan decision = RecoveryPlanner.plan(new RecoveryInput(left, NodeView.unreachable("db-oslo"),
                new NodeView("db-bergen", true, false, false, 4L), journal.currentEpoch()));
        assertThat(decision.action()).isEqualTo(RecoveryAction.RESUME_FROM);
        assertThat(decision.resumeFrom()).isEqualTo(StepName.PROMOTE_STANDBY);

        ExecutionResult r = executor().resume(left, decision.resumeFrom());
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
        assertThat(r.failoverId()).isEqualTo(left.id());
        assertThat(executed).containsExactly(StepName.PROMOTE_STANDBY, StepName.VERIFY_WRITE, StepName.HANDOVER,
                StepName.BUMP_EPOCH);
        FailoverRecord done = journal.failover(left.id()).orElseThrow();
        assertThat(done.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
        assertThat(done.steps()).extracting(StepRecord::seq, StepRecord::name, StepRecord::outcome).containsExactly(
                tuple(1, "FENCE_OLD_PRIMARY", StepOutcome.OK),
                tuple(2, "APPLY_RELAY_LOG", StepOutcome.OK),
                tuple(3, "CHECK_DATA_LOSS", StepOutcome.OK),
                tuple(4, "PROMOTE_STANDBY", StepOutcome.FAILED),
                tuple(5, "PROMOTE_STANDBY", StepOutcome.OK),
                tuple(6, "VERIFY_WRITE", StepOutcome.OK),
                tuple(7, "HANDOVER", StepOutcome.OK),
                tuple(8, "BUMP_EPOCH", StepOutcome.OK));
        assertThat(done.steps().get(3).detail()).isEqualTo("interrupted: vakt stopped during this step");
    }

    @Test
    void aResumedForcedFailoverStillWaivesTheRpo() {
        behaviour.put(StepName.APPLY_RELAY_LOG, ctx -> {
            throw new SimulatedCrash();
        });
        assertThatThrownBy(() -> executor().start(plan(Trigger.operator(true, true)))).isInstanceOf(SimulatedCrash.class);
        List<StepContext> seen = new ArrayList<>();
        behaviour.clear();
        behaviour.put(StepName.CHECK_DATA_LOSS, ctx -> {
            seen.add(ctx);
            return StepResult.ok(null);
        });
        executor().resume(journal.unfinishedFailover().orElseThrow(), StepName.APPLY_RELAY_LOG);
        assertThat(seen).singleElement().extracting(StepContext::enforceRpo).isEqualTo(false);
    }

    @Test
    void anInterruptLeavesTheFailoverRunningForRecovery() {
        behaviour.put(StepName.APPLY_RELAY_LOG, ctx -> {
            throw new InterruptedException();
        });
        ExecutionResult r = executor().start(plan());
        try {
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted(); // clear it for the next test
        }
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.RUNNING);
        assertThat(r.stoppedAt()).isEqualTo(StepName.APPLY_RELAY_LOG);
        assertThat(executed).containsExactly(StepName.FENCE_OLD_PRIMARY, StepName.APPLY_RELAY_LOG);
        FailoverRecord f = journal.unfinishedFailover().orElseThrow();
        assertThat(f.lastRunOf("APPLY_RELAY_LOG").orElseThrow())
                .extracting(StepRecord::outcome, StepRecord::detail).containsExactly(StepOutcome.FAILED, "interrupted");
    }

    @Test
    void settlesWithoutRunningSteps() {
        behaviour.put(StepName.BUMP_EPOCH, ctx -> {
            throw new SimulatedCrash();
        });
        assertThatThrownBy(() -> executor().start(plan())).isInstanceOf(SimulatedCrash.class);
        FailoverRecord left = journal.unfinishedFailover().orElseThrow();
        executed.clear();
        RecoveryPlan decision = new RecoveryPlan(left.id(), List.of(), RecoveryAction.MARK_COMPLETED, null, "epoch already stored");
        executor().settle(left, decision);
        assertThat(executed).isEmpty();
        FailoverRecord done = journal.failover(left.id()).orElseThrow();
        assertThat(done.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
        assertThat(done.summary()).contains("epoch already stored");
        assertThat(done.steps()).allMatch(StepRecord::finished);

        assertThatThrownBy(() -> executor().resume(done, StepName.BUMP_EPOCH)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> executor().settle(done, decision)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void abortSafelyEndsTheFailoverAsAborted() {
        behaviour.put(StepName.APPLY_RELAY_LOG, ctx -> {
            throw new SimulatedCrash();
        });
        assertThatThrownBy(() -> executor().start(plan())).isInstanceOf(SimulatedCrash.class);
        FailoverRecord left = journal.unfinishedFailover().orElseThrow();
        assertThatThrownBy(() -> executor().settle(left,
                new RecoveryPlan(left.id(), List.of(), RecoveryAction.RESUME_FROM, StepName.APPLY_RELAY_LOG, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use resume()");
        executor().settle(left, new RecoveryPlan(left.id(), List.of(), RecoveryAction.ABORT_SAFELY, null, "old primary back"));
        assertThat(journal.failover(left.id()).orElseThrow())
                .extracting(FailoverRecord::outcome, FailoverRecord::ending, FailoverRecord::summary)
                .containsExactly(FailoverOutcome.ABORTED, FailoverEnding.ABORTED_BEFORE_PROMOTION,
                        "stopped by crash recovery: old primary back");
    }

    @Test
    void abortSafelyPastAFinishedPromotionEndsItAbortedAfterThePromotion() {
        behaviour.put(StepName.VERIFY_WRITE, ctx -> {
            throw new SimulatedCrash();
        });
        assertThatThrownBy(() -> executor().start(plan())).isInstanceOf(SimulatedCrash.class);
        FailoverRecord left = journal.unfinishedFailover().orElseThrow();
        executor().settle(left, new RecoveryPlan(left.id(), List.of(), RecoveryAction.ABORT_SAFELY, null, "someone intervened"));
        assertThat(journal.failover(left.id()).orElseThrow().ending()).isEqualTo(FailoverEnding.ABORTED_AFTER_PROMOTION);
        assertThat(journal.lastFailoverEnd()).as("the roles changed: the cooldown starts").isPresent();
    }
}
