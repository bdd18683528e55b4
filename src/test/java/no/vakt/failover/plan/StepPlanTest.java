package no.vakt.failover.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
import no.vakt.journal.StepRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine runs any plan by the same rules: a switchover-shaped plan, with its own step and its undo. */
class StepPlanTest {
    /** A step only this plan has, as a switchover's REPOINT_OLD_PRIMARY. */
    enum Own implements StepId { REPOINT }

    @TempDir
    Path dir;

    private Journal journal;
    private final List<String> executed = new ArrayList<>();
    private final Map<String, PlanExecutorTest.Behaviour> behaviour = new HashMap<>();
    private final List<String> printed = new ArrayList<>();
    private final List<Boolean> undone = new ArrayList<>();

    private final RunHooks hooks = new RunHooks() {
        @Override
        public void ended(StepId step, StepResult result, boolean journaled) {
            printed.add(step.name() + ": " + result.outcome() + " " + result.detail());
        }

        @Override
        public void interrupted(StepId step) {
            printed.add(step.name() + ": interrupted");
        }

        @Override
        public String undo(boolean pointOfNoReturnTried) {
            undone.add(pointOfNoReturnTried);
            return pointOfNoReturnTried ? "stays fenced" : "fence lifted";
        }

        @Override
        public String leftToDo(StepContext ctx) {
            return "finish by hand";
        }
    };

    @BeforeEach
    void open() {
        journal = new Journal(dir.resolve("journal.db"), Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        journal.close();
    }

    private FailoverStep step(StepId id) {
        return new FailoverStep() {
            @Override
            public StepId name() {
                return id;
            }

            @Override
            public StepResult execute(StepContext ctx) throws Exception {
                executed.add(id.name());
                PlanExecutorTest.Behaviour b = behaviour.get(id.name());
                return b == null ? StepResult.ok(id.name() + " done") : b.run(ctx);
            }
        };
    }

    private ExecutionResult run() {
        return run(StepGate.OPEN);
    }

    private ExecutionResult run(StepGate gate) {
        StepPlan plan = new StepPlan(List.of(step(StepName.FENCE_OLD_PRIMARY), step(StepName.APPLY_RELAY_LOG),
                step(StepName.PROMOTE_STANDBY), step(Own.REPOINT), step(StepName.BUMP_EPOCH)), StepName.PROMOTE_STANDBY, hooks);
        long id = journal.beginFailover(new NewFailover("test", "db-oslo", "db-bergen", "switchover", "operator", 3));
        return new PlanExecutor(journal, plan, gate).run(new StepContext(id, "test", "db-oslo", "db-bergen", 3, true));
    }

    @Test
    void runsThePlansOwnStepsInItsOrderAndJournalsThemByName() {
        ExecutionResult r = run();
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
        assertThat(executed).containsExactly("FENCE_OLD_PRIMARY", "APPLY_RELAY_LOG", "PROMOTE_STANDBY", "REPOINT", "BUMP_EPOCH");
        FailoverRecord f = journal.failover(r.failoverId()).orElseThrow();
        assertThat(f.steps()).extracting(StepRecord::name).containsExactlyElementsOf(executed);
        assertThat(f.ending()).isEqualTo(FailoverEnding.COMPLETED);
        assertThat(printed).hasSize(5).contains("REPOINT: OK REPOINT done");
        assertThat(undone).isEmpty();
    }

    /** A gate that says stop from {@code at} on, as an agent that loses its authority there. */
    private static StepGate stopFrom(StepId at) {
        boolean[] lost = {false};
        return (step, ctx, promoted) -> {
            lost[0] |= step.name().equals(at.name());
            return lost[0] ? new StepGate.Verdict.Stop("agent oslo has no authority") : StepGate.Verdict.GO;
        };
    }

    @Test
    void aGateThatStopsBeforeThePointOfNoReturnAbortsAndUndoesWithoutRunningTheStep() {
        ExecutionResult r = run(stopFrom(StepName.PROMOTE_STANDBY));
        assertThat(executed).containsExactly("FENCE_OLD_PRIMARY", "APPLY_RELAY_LOG");
        assertThat(undone).containsExactly(false);
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.ABORTED);
        assertThat(r.promoted()).isFalse();
        assertThat(r.stoppedAt()).isEqualTo(StepName.PROMOTE_STANDBY);
        FailoverRecord f = journal.failover(r.failoverId()).orElseThrow();
        assertThat(f.ending()).isEqualTo(FailoverEnding.ABORTED_BEFORE_PROMOTION);
        assertThat(f.summary()).isEqualTo("PROMOTE_STANDBY not run: agent oslo has no authority; stopped before the promotion;"
                + " fence lifted");
        assertThat(f.steps()).extracting(StepRecord::name).containsExactly("FENCE_OLD_PRIMARY", "APPLY_RELAY_LOG");
    }

    @Test
    void aGateThatStopsAfterThePointOfNoReturnLeavesTheRunRunningForTheNextLeader() {
        ExecutionResult r = run(stopFrom(Own.REPOINT));
        assertThat(executed).containsExactly("FENCE_OLD_PRIMARY", "APPLY_RELAY_LOG", "PROMOTE_STANDBY");
        assertThat(undone).isEmpty();
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.RUNNING);
        assertThat(r.promoted()).isTrue();
        assertThat(r.stoppedAt()).isEqualTo(Own.REPOINT);
        FailoverRecord f = journal.failover(r.failoverId()).orElseThrow();
        assertThat(f.outcome()).as("resumable: by the next leader, or crash recovery of this journal")
                .isEqualTo(FailoverOutcome.RUNNING);
        assertThat(f.steps()).extracting(StepRecord::name).containsExactly("FENCE_OLD_PRIMARY", "APPLY_RELAY_LOG", "PROMOTE_STANDBY");
    }

    @Test
    void aFailureBeforeThePointOfNoReturnStopsTheRunAndUndoesIt() {
        behaviour.put("APPLY_RELAY_LOG", ctx -> StepResult.failed("did not catch up"));
        ExecutionResult r = run();
        assertThat(executed).containsExactly("FENCE_OLD_PRIMARY", "APPLY_RELAY_LOG");
        assertThat(undone).containsExactly(false);
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.ABORTED);
        assertThat(r.stoppedAt()).isEqualTo(StepName.APPLY_RELAY_LOG);
        FailoverRecord f = journal.failover(r.failoverId()).orElseThrow();
        assertThat(f.ending()).isEqualTo(FailoverEnding.ABORTED_BEFORE_PROMOTION);
        assertThat(f.summary()).isEqualTo("APPLY_RELAY_LOG failed: did not catch up; fence lifted");
    }

    @Test
    void aFailedPointOfNoReturnIsUndoneKnowingItMayHaveHalfActed() {
        behaviour.put("PROMOTE_STANDBY", ctx -> {
            throw new java.sql.SQLException("STOP SLAVE timed out");
        });
        ExecutionResult r = run();
        assertThat(undone).containsExactly(true);
        assertThat(r.promoted()).isFalse();
        assertThat(r.detail()).isEqualTo("PROMOTE_STANDBY failed: STOP SLAVE timed out; stays fenced");
        assertThat(executed).doesNotContain("REPOINT", "BUMP_EPOCH");
    }

    @Test
    void pastThePointOfNoReturnNothingIsUndoneAndEveryStepRuns() {
        behaviour.put("REPOINT", ctx -> StepResult.failed("replica threads did not start"));
        ExecutionResult r = run();
        assertThat(executed).containsExactly("FENCE_OLD_PRIMARY", "APPLY_RELAY_LOG", "PROMOTE_STANDBY", "REPOINT", "BUMP_EPOCH");
        assertThat(undone).isEmpty();
        assertThat(r.outcome()).isEqualTo(FailoverOutcome.ABORTED);
        assertThat(r.stoppedAt()).isEqualTo(Own.REPOINT);
        assertThat(r.promoted()).isTrue();
        FailoverRecord f = journal.failover(r.failoverId()).orElseThrow();
        assertThat(f.ending()).isEqualTo(FailoverEnding.ABORTED_AFTER_PROMOTION);
        assertThat(f.summary()).startsWith("REPOINT failed: replica threads did not start; db-bergen was promoted")
                .endsWith("; finish by hand");
    }

    @Test
    void anInterruptedRunIsLeftRunningForRecoveryWithoutUndo() {
        behaviour.put("APPLY_RELAY_LOG", ctx -> {
            throw new InterruptedException("shutdown");
        });
        try {
            ExecutionResult r = run();
            assertThat(r.outcome()).isEqualTo(FailoverOutcome.RUNNING);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(undone).isEmpty();
        assertThat(printed).containsExactly("FENCE_OLD_PRIMARY: OK FENCE_OLD_PRIMARY done", "APPLY_RELAY_LOG: interrupted");
        assertThat(journal.unfinishedFailover()).isPresent();
    }

    @Test
    void aPlanNamesItsPointOfNoReturnAndEachStepOnce() {
        assertThatThrownBy(() -> new StepPlan(List.of(step(StepName.FENCE_OLD_PRIMARY)), StepName.PROMOTE_STANDBY, hooks))
                .hasMessageContaining("point of no return");
        assertThatThrownBy(() -> new StepPlan(List.of(step(Own.REPOINT), step(Own.REPOINT)), Own.REPOINT, hooks))
                .hasMessageContaining("two steps named REPOINT");
    }
}
