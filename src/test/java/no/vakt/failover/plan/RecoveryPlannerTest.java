package no.vakt.failover.plan;

import static no.vakt.failover.plan.RecoveryAction.ABORT_SAFELY;
import static no.vakt.failover.plan.RecoveryAction.MARK_COMPLETED;
import static no.vakt.failover.plan.RecoveryAction.RESUME_FROM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.StepOutcome;
import no.vakt.journal.StepRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecoveryPlannerTest {
    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    static final String OLD = "db-oslo";
    static final String NEW = "db-bergen";

    /** A running failover db-oslo -> db-bergen to epoch 5, with steps like "FENCE_OLD_PRIMARY=ok APPLY_RELAY_LOG=" (no outcome: interrupted). */
    static FailoverRecord running(String steps) {
        List<StepRecord> rows = new ArrayList<>();
        int seq = 1;
        for (String s : steps.isBlank() ? new String[0] : steps.trim().split("\\s+")) {
            String[] kv = s.split("=", -1);
            StepOutcome outcome = kv[1].isEmpty() ? null : StepOutcome.fromLabel(kv[1]);
            rows.add(new StepRecord(7, seq, kv[0], T0.plusSeconds(seq), outcome == null ? null : T0.plusSeconds(seq),
                    outcome, null));
            seq++;
        }
        return new FailoverRecord(7, "shop", T0, null, OLD, NEW, "automatic", "automatic-detection",
                FailoverOutcome.RUNNING, null, 5, null, rows);
    }

    static NodeView down(String name) {
        return NodeView.unreachable(name);
    }

    static NodeView ro(String name, Long epoch) {
        return new NodeView(name, true, false, false, epoch);
    }

    static NodeView replicating(String name, Long epoch) {
        return new NodeView(name, true, false, true, epoch);
    }

    static NodeView rw(String name, Long epoch) {
        return new NodeView(name, true, true, false, epoch);
    }

    static final String BEFORE_PROMOTE = "FENCE_OLD_PRIMARY=ok APPLY_RELAY_LOG=ok CHECK_DATA_LOSS=ok";
    static final String ALL_BUT_BUMP = BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE=ok HANDOVER=ok";

    static Arguments row(String name, String steps, NodeView old, NodeView target, long journalEpoch,
            RecoveryAction action, StepName from, List<String> fence) {
        return Arguments.of(name, steps, old, target, journalEpoch, action, from, fence);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // before the point of no return
                row("crash before any step", "", down(OLD), replicating(NEW, 4L), 4,
                        RESUME_FROM, StepName.FENCE_OLD_PRIMARY, List.of()),
                row("crash during fencing, old primary still down", "FENCE_OLD_PRIMARY=", down(OLD), replicating(NEW, 4L), 4,
                        RESUME_FROM, StepName.FENCE_OLD_PRIMARY, List.of()),
                row("crash during apply, old primary fenced", "FENCE_OLD_PRIMARY=ok APPLY_RELAY_LOG=", ro(OLD, 4L),
                        replicating(NEW, 4L), 4, RESUME_FROM, StepName.APPLY_RELAY_LOG, List.of()),
                row("fencing skipped counts as done", "FENCE_OLD_PRIMARY=skipped APPLY_RELAY_LOG=ok CHECK_DATA_LOSS=",
                        down(OLD), replicating(NEW, 4L), 4, RESUME_FROM, StepName.CHECK_DATA_LOSS, List.of()),
                row("interrupted then retried fence counts by its last run",
                        "FENCE_OLD_PRIMARY=failed FENCE_OLD_PRIMARY=ok APPLY_RELAY_LOG=", ro(OLD, 4L), replicating(NEW, 4L), 4,
                        RESUME_FROM, StepName.APPLY_RELAY_LOG, List.of()),
                row("all checks passed, promotion not begun", BEFORE_PROMOTE, down(OLD), replicating(NEW, 4L), 4,
                        RESUME_FROM, StepName.PROMOTE_STANDBY, List.of()),
                row("old primary came back writable: it keeps serving", "FENCE_OLD_PRIMARY=skipped APPLY_RELAY_LOG=",
                        rw(OLD, 4L), replicating(NEW, 4L), 4, ABORT_SAFELY, null, List.of()),
                row("standby gone before promotion", "FENCE_OLD_PRIMARY=ok APPLY_RELAY_LOG=", ro(OLD, 4L), down(NEW), 4,
                        ABORT_SAFELY, null, List.of()),
                row("both writable before promotion, equal epochs: the standby is fenced", "FENCE_OLD_PRIMARY=skipped",
                        rw(OLD, 4L), rw(NEW, 4L), 4, ABORT_SAFELY, null, List.of(NEW)),
                row("both writable before promotion, no epochs at all: the standby is fenced", "",
                        rw(OLD, null), rw(NEW, null), 0, ABORT_SAFELY, null, List.of(NEW)),
                row("both writable before promotion, standby has the higher epoch: old fenced, resume",
                        "FENCE_OLD_PRIMARY=", rw(OLD, 3L), rw(NEW, 4L), 4,
                        RESUME_FROM, StepName.FENCE_OLD_PRIMARY, List.of(OLD)),
                // past the point of no return
                row("crash during promotion, slave stopped, still read-only", BEFORE_PROMOTE + " PROMOTE_STANDBY=",
                        down(OLD), ro(NEW, 4L), 4, RESUME_FROM, StepName.PROMOTE_STANDBY, List.of()),
                row("crash during promotion, still replicating", BEFORE_PROMOTE + " PROMOTE_STANDBY=",
                        down(OLD), replicating(NEW, 4L), 4, RESUME_FROM, StepName.PROMOTE_STANDBY, List.of()),
                row("crash during promotion after read_only=OFF", BEFORE_PROMOTE + " PROMOTE_STANDBY=",
                        down(OLD), rw(NEW, 4L), 4, RESUME_FROM, StepName.PROMOTE_STANDBY, List.of()),
                row("crash during verify", BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE=",
                        down(OLD), rw(NEW, 4L), 4, RESUME_FROM, StepName.VERIFY_WRITE, List.of()),
                row("crash during handover", BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE=ok HANDOVER=",
                        ro(OLD, 4L), rw(NEW, 4L), 4, RESUME_FROM, StepName.HANDOVER, List.of()),
                row("old primary back writable after promotion began, equal epochs: old fenced",
                        BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE=", rw(OLD, 4L), rw(NEW, 4L), 4,
                        RESUME_FROM, StepName.VERIFY_WRITE, List.of(OLD)),
                row("old primary back writable during promotion, target still read-only: old fenced",
                        BEFORE_PROMOTE + " PROMOTE_STANDBY=", rw(OLD, 4L), ro(NEW, 4L), 4,
                        RESUME_FROM, StepName.PROMOTE_STANDBY, List.of(OLD)),
                row("old primary back writable with a lower epoch after the bump: old fenced", ALL_BUT_BUMP + " BUMP_EPOCH=ok",
                        rw(OLD, 4L), rw(NEW, 5L), 5, MARK_COMPLETED, null, List.of(OLD)),
                row("old primary holds the higher epoch: target fenced, stop", BEFORE_PROMOTE + " PROMOTE_STANDBY=ok",
                        rw(OLD, 9L), rw(NEW, 4L), 4, ABORT_SAFELY, null, List.of(NEW)),
                row("crash during bump, epoch stored nowhere", ALL_BUT_BUMP + " BUMP_EPOCH=", down(OLD), rw(NEW, 4L), 4,
                        RESUME_FROM, StepName.BUMP_EPOCH, List.of()),
                row("crash during bump, epoch only in the journal", ALL_BUT_BUMP + " BUMP_EPOCH=", down(OLD), rw(NEW, 4L), 5,
                        RESUME_FROM, StepName.BUMP_EPOCH, List.of()),
                row("crash during bump, epoch only on the node", ALL_BUT_BUMP + " BUMP_EPOCH=", down(OLD), rw(NEW, 5L), 4,
                        RESUME_FROM, StepName.BUMP_EPOCH, List.of()),
                row("crash during bump, epoch in both places", ALL_BUT_BUMP + " BUMP_EPOCH=", down(OLD), rw(NEW, 5L), 5,
                        MARK_COMPLETED, null, List.of()),
                row("every step done, only the end mark missing", ALL_BUT_BUMP + " BUMP_EPOCH=ok", down(OLD), rw(NEW, 5L), 5,
                        MARK_COMPLETED, null, List.of()),
                row("target gone after promotion began", BEFORE_PROMOTE + " PROMOTE_STANDBY=", down(OLD), down(NEW), 4,
                        ABORT_SAFELY, null, List.of()),
                row("target gone after its promotion finished, old primary back writable: old fenced, the rest runs",
                        BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE=", rw(OLD, 4L), down(NEW), 4,
                        RESUME_FROM, StepName.VERIFY_WRITE, List.of(OLD)),
                row("target gone after its promotion finished: file sync and the journal's epoch still follow it",
                        BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE=ok HANDOVER=", down(OLD), down(NEW), 4,
                        RESUME_FROM, StepName.HANDOVER, List.of()),
                row("every step done, target gone now: only the end mark was missing", ALL_BUT_BUMP + " BUMP_EPOCH=ok",
                        down(OLD), down(NEW), 5, MARK_COMPLETED, null, List.of()),
                row("traffic left pending, crash before the bump: resume from HANDOVER (the switch runs again)",
                        BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE=ok HANDOVER=failed BUMP_EPOCH=", ro(OLD, 4L),
                        rw(NEW, 4L), 4, RESUME_FROM, StepName.HANDOVER, List.of()),
                row("traffic left pending and epoch bumped, crash before the end mark: HANDOVER again, then the bump",
                        BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE=ok HANDOVER=failed BUMP_EPOCH=ok", down(OLD),
                        rw(NEW, 5L), 5, RESUME_FROM, StepName.HANDOVER, List.of()),
                row("promotion done but target read-only again: someone intervened",
                        BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE=", down(OLD), ro(NEW, 4L), 4,
                        ABORT_SAFELY, null, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void settles(String name, String steps, NodeView old, NodeView target, long journalEpoch,
            RecoveryAction action, StepName from, List<String> fence) {
        RecoveryPlan plan = RecoveryPlanner.plan(new RecoveryInput(running(steps), old, target, journalEpoch));
        assertThat(plan.action()).as(plan.reason()).isEqualTo(action);
        assertThat(plan.resumeFrom()).as(plan.reason()).isEqualTo(from);
        assertThat(plan.fenceFirst()).as(plan.reason()).isEqualTo(fence);
        assertThat(plan.failoverId()).isEqualTo(7);
        assertThat(plan.reason()).startsWith("failover 7 (db-oslo -> db-bergen, epoch 5) was interrupted");
        assertThat(neverTwoWritable(old, target, plan)).as(plan.reason()).isTrue();
    }

    /** After the fences, and assuming a resumed promotion makes the target writable, at most one node is writable. */
    private static boolean neverTwoWritable(NodeView old, NodeView target, RecoveryPlan plan) {
        boolean oldWritable = old.writable() && !plan.fenceFirst().contains(old.name());
        boolean targetWritable = (target.writable() && !plan.fenceFirst().contains(target.name()))
                || (plan.action() == RESUME_FROM && target.reachable());
        return !(oldWritable && targetWritable);
    }

    @Test
    void explainsItsReasoning() {
        RecoveryPlan plan = RecoveryPlanner.plan(new RecoveryInput(running(BEFORE_PROMOTE + " PROMOTE_STANDBY=ok VERIFY_WRITE="),
                rw(OLD, 4L), rw(NEW, 4L), 4));
        assertThat(plan.reason())
                .contains("db-oslo is writable, epoch 4")
                .contains("promotion had started")
                .contains("both are writable with epoch 4: fence db-oslo")
                .endsWith("resume from VERIFY_WRITE");
    }

    @Test
    void refusesObservationsOfOtherNodes() {
        assertThatThrownBy(() -> new RecoveryInput(running(""), ro("db-x", 1L), ro(NEW, 1L), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownStepNamesInTheJournalAreIgnored() {
        RecoveryPlan plan = RecoveryPlanner.plan(new RecoveryInput(running("SOMETHING_OLD=ok FENCE_OLD_PRIMARY=ok"),
                down(OLD), replicating(NEW, 4L), 4));
        assertThat(plan.resumeFrom()).isEqualTo(StepName.APPLY_RELAY_LOG);
    }
}
