package no.vakt.failover.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import no.vakt.cluster.GtidPosition;
import no.vakt.config.FailoverMode;
import no.vakt.db.ReplicaStatus;
import no.vakt.failover.detect.PrimaryHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailoverPlannerTest {
    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    static ReplicaStatus replica(String io, String sql, String sqlError) {
        return new ReplicaStatus("127.0.0.2", 3306, io, sql, null, io.equals("Yes") ? 0 : 2003,
                io.equals("Yes") ? "" : "error reconnecting to master", sqlError.isEmpty() ? 0 : 1062, sqlError,
                true, "Slave_Pos", Map.of());
    }

    /** The standby after the primary died: IO thread reconnecting, SQL thread fine, 200 ms behind. */
    static StandbySnapshot standby() {
        return new StandbySnapshot("db-bergen", true, true, Optional.of(replica("Connecting", "Yes", "")),
                GtidPosition.parse("0-1-100"), Optional.of(T0.minusMillis(300)));
    }

    /** A primary declared DOWN, automatic mode, epoch 4, loss window 200 ms against an RPO of 1 s. */
    static PlanInput.Builder base() {
        return PlanInput.builder()
                .cluster("shop")
                .oldPrimary("db-oslo")
                .mode(FailoverMode.AUTOMATIC)
                .trigger(Trigger.automatic())
                .now(T0)
                .cooldown(Duration.ofHours(1))
                .maxApplyWait(Duration.ofSeconds(30))
                .primaryHealth(PrimaryHealth.DOWN)
                .oldPrimaryReachable(false)
                .primaryLastHeartbeat(T0.minusMillis(100))
                .standby(standby())
                .rpo(Duration.ofSeconds(1))
                .currentEpoch(4);
    }

    static final Set<RefusalReason> NONE = Set.of();

    static Arguments row(String name, UnaryOperator<PlanInput.Builder> change, Decision decision,
            Set<RefusalReason> reasons, String approve) {
        return Arguments.of(name, change, decision, reasons, approve);
    }

    static Stream<Arguments> table() {
        Instant recent = T0.minus(Duration.ofMinutes(30));
        StandbySnapshot far = new StandbySnapshot("db-bergen", true, true, Optional.of(replica("Connecting", "Yes", "")),
                GtidPosition.parse("0-1-90"), Optional.of(T0.minusSeconds(5)));
        return Stream.of(
                // automatic detection: the mode decides when nothing blocks
                row("automatic mode proceeds", b -> b, Decision.PROCEED, NONE, null),
                row("manual mode waits for the operator", b -> b.mode(FailoverMode.MANUAL),
                        Decision.WAIT_FOR_OPERATOR, NONE, "vakt promote --confirm"),
                row("notify-only only notifies", b -> b.mode(FailoverMode.NOTIFY_ONLY),
                        Decision.NOTIFY_ONLY, NONE, "vakt promote --confirm"),
                // automatic detection: hard refusals
                row("healthy primary", b -> b.primaryHealth(PrimaryHealth.HEALTHY),
                        Decision.REFUSE, Set.of(RefusalReason.PRIMARY_NOT_DOWN), null),
                row("suspect primary", b -> b.primaryHealth(PrimaryHealth.SUSPECT),
                        Decision.REFUSE, Set.of(RefusalReason.PRIMARY_NOT_DOWN), null),
                row("unreachable from monitor only", b -> b.primaryHealth(PrimaryHealth.UNREACHABLE_FROM_MONITOR),
                        Decision.REFUSE, Set.of(RefusalReason.PRIMARY_NOT_DOWN), null),
                row("unknown primary", b -> b.primaryHealth(PrimaryHealth.UNKNOWN),
                        Decision.REFUSE, Set.of(RefusalReason.PRIMARY_NOT_DOWN), null),
                row("failover in progress", b -> b.failoverRunning(true),
                        Decision.REFUSE, Set.of(RefusalReason.FAILOVER_IN_PROGRESS), null),
                row("standby unreachable", b -> b.standby(StandbySnapshot.unreachable("db-bergen")),
                        Decision.REFUSE, Set.of(RefusalReason.STANDBY_UNREACHABLE, RefusalReason.RPO_EXCEEDED), null),
                row("hard and soft together: no approve command", b -> b.failoverRunning(true).lastFailoverEnd(recent),
                        Decision.REFUSE, Set.of(RefusalReason.FAILOVER_IN_PROGRESS, RefusalReason.COOLDOWN_ACTIVE), null),
                // automatic detection: soft refusals, which only an operator may override
                row("cooldown active", b -> b.lastFailoverEnd(recent),
                        Decision.REFUSE, Set.of(RefusalReason.COOLDOWN_ACTIVE), "vakt promote --confirm --force"),
                row("cooldown just over", b -> b.lastFailoverEnd(T0.minus(Duration.ofHours(1))),
                        Decision.PROCEED, NONE, null),
                row("cooldown long over", b -> b.lastFailoverEnd(T0.minus(Duration.ofDays(2))),
                        Decision.PROCEED, NONE, null),
                row("manual mode in cooldown is refused too", b -> b.mode(FailoverMode.MANUAL).lastFailoverEnd(recent),
                        Decision.REFUSE, Set.of(RefusalReason.COOLDOWN_ACTIVE), "vakt promote --confirm --force"),
                row("RPO exceeded", b -> b.standby(far),
                        Decision.REFUSE, Set.of(RefusalReason.RPO_EXCEEDED), "vakt promote --confirm --force"),
                row("RPO exactly met", b -> b.rpo(Duration.ofMillis(200)), Decision.PROCEED, NONE, null),
                row("RPO missed by a millisecond", b -> b.rpo(Duration.ofMillis(199)),
                        Decision.REFUSE, Set.of(RefusalReason.RPO_EXCEEDED), "vakt promote --confirm --force"),
                // operator: the mode does not matter, --confirm runs, --force overrides soft refusals only
                row("operator without --confirm sees the plan", b -> b.trigger(Trigger.operator(false, false)),
                        Decision.WAIT_FOR_OPERATOR, NONE, "vakt promote --confirm"),
                row("operator confirms", b -> b.trigger(Trigger.operator(true, false)), Decision.PROCEED, NONE, null),
                row("operator confirms in notify-only mode",
                        b -> b.mode(FailoverMode.NOTIFY_ONLY).trigger(Trigger.operator(true, false)),
                        Decision.PROCEED, NONE, null),
                row("operator in cooldown needs --force", b -> b.trigger(Trigger.operator(true, false)).lastFailoverEnd(recent),
                        Decision.REFUSE, Set.of(RefusalReason.COOLDOWN_ACTIVE), "vakt promote --confirm --force"),
                row("operator forces through cooldown", b -> b.trigger(Trigger.operator(true, true)).lastFailoverEnd(recent),
                        Decision.PROCEED, NONE, null),
                row("operator forces without --confirm", b -> b.trigger(Trigger.operator(false, true)).lastFailoverEnd(recent),
                        Decision.WAIT_FOR_OPERATOR, NONE, "vakt promote --confirm --force"),
                row("operator over RPO needs --force", b -> b.trigger(Trigger.operator(true, false)).standby(far),
                        Decision.REFUSE, Set.of(RefusalReason.RPO_EXCEEDED), "vakt promote --confirm --force"),
                row("operator forces over RPO", b -> b.trigger(Trigger.operator(true, true)).standby(far),
                        Decision.PROCEED, NONE, null),
                row("operator cannot force through a running failover",
                        b -> b.trigger(Trigger.operator(true, true)).failoverRunning(true),
                        Decision.REFUSE, Set.of(RefusalReason.FAILOVER_IN_PROGRESS), null),
                row("operator cannot force an unreachable standby",
                        b -> b.trigger(Trigger.operator(true, true)).standby(StandbySnapshot.unreachable("db-bergen")),
                        Decision.REFUSE, Set.of(RefusalReason.STANDBY_UNREACHABLE, RefusalReason.RPO_EXCEEDED), null),
                row("operator on a primary unreachable from the monitor only",
                        b -> b.trigger(Trigger.operator(true, false)).primaryHealth(PrimaryHealth.UNREACHABLE_FROM_MONITOR),
                        Decision.REFUSE, Set.of(RefusalReason.PRIMARY_NOT_CONFIRMED_DOWN), "vakt promote --confirm --force"),
                row("operator on an unknown primary",
                        b -> b.trigger(Trigger.operator(true, false)).primaryHealth(PrimaryHealth.UNKNOWN),
                        Decision.REFUSE, Set.of(RefusalReason.PRIMARY_NOT_CONFIRMED_DOWN), "vakt promote --confirm --force"),
                row("operator on a suspect primary that does not answer",
                        b -> b.trigger(Trigger.operator(true, false)).primaryHealth(PrimaryHealth.SUSPECT),
                        Decision.REFUSE, Set.of(RefusalReason.PRIMARY_NOT_CONFIRMED_DOWN), "vakt promote --confirm --force"),
                row("operator forces past an unconfirmed primary",
                        b -> b.trigger(Trigger.operator(true, true)).primaryHealth(PrimaryHealth.UNREACHABLE_FROM_MONITOR),
                        Decision.PROCEED, NONE, null),
                row("operator switchover from a healthy primary",
                        b -> b.trigger(Trigger.operator(true, false)).primaryHealth(PrimaryHealth.HEALTHY)
                                .oldPrimaryReachable(true).standby(replicatingBehind()),
                        Decision.PROCEED, NONE, null),
                row("automatic never switches over a healthy primary",
                        b -> b.primaryHealth(PrimaryHealth.HEALTHY).oldPrimaryReachable(true).standby(replicatingBehind()),
                        Decision.REFUSE, Set.of(RefusalReason.PRIMARY_NOT_DOWN), null));
    }

    /** A standby still connected and applying, 5 s behind. */
    static StandbySnapshot replicatingBehind() {
        return new StandbySnapshot("db-bergen", true, true, Optional.of(replica("Yes", "Yes", "")),
                GtidPosition.parse("0-1-90"), Optional.of(T0.minusSeconds(5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String name, UnaryOperator<PlanInput.Builder> change, Decision decision, Set<RefusalReason> reasons,
            String approve) {
        FailoverPlan plan = FailoverPlanner.plan(change.apply(base()).build());
        assertThat(plan.decision()).as(plan.render()).isEqualTo(decision);
        assertThat(plan.refusals().stream().map(Refusal::reason).collect(Collectors.toSet())).as(plan.render())
                .isEqualTo(reasons);
        assertThat(plan.approveCommand()).isEqualTo(approve);
        // every decision shows the whole plan, and the next epoch
        assertThat(plan.steps()).extracting(PlannedStep::name).containsExactly(StepName.values());
        assertThat(plan.newEpoch()).isEqualTo(5);
        assertThat(plan.currentEpoch()).isEqualTo(4);
    }

    @Test
    void aProceedingPlanCarriesEverythingTheExecutorAndJournalNeed() {
        FailoverPlan plan = FailoverPlanner.plan(base().build());
        assertThat(plan.fromNode()).isEqualTo("db-oslo");
        assertThat(plan.toNode()).isEqualTo("db-bergen");
        assertThat(plan.enforceRpo()).isTrue();
        assertThat(plan.refusals()).isEmpty();
        assertThat(plan.dataLoss().windowMs()).isEqualTo(200);
        assertThat(plan.dataLoss().withinRpo()).isTrue();
        assertThat(plan.summary()).isEqualTo("promote db-bergen (db-oslo -> db-bergen, epoch 5)");
        var nf = plan.toNewFailover();
        assertThat(nf.mode()).isEqualTo("automatic");
        assertThat(nf.trigger()).isEqualTo("automatic-detection");
        assertThat(nf.epoch()).isEqualTo(5);
        assertThat(nf.cluster()).isEqualTo("shop");
        assertThat(plan.steps().get(0).description()).contains("db-oslo does not answer").contains("fencing command");
        assertThat(plan.steps().get(1).description()).contains("at most 30s");
        assertThat(plan.steps().get(2).description()).contains("stop if it exceeds the RPO 1s");
        assertThat(plan.steps().get(6).description()).contains("epoch 4 -> 5");
    }

    @Test
    void theMonitorOnlyPartitionRefusalSaysItIsAnAlertNotAFailover() {
        FailoverPlan plan = FailoverPlanner.plan(base().primaryHealth(PrimaryHealth.UNREACHABLE_FROM_MONITOR).build());
        assertThat(plan.refusals()).singleElement().satisfies(r -> {
            assertThat(r.overridable()).isFalse();
            assertThat(r.message()).contains("unreachable from the monitor only").contains("never an automatic failover");
        });
        assertThat(plan.summary()).startsWith("promotion of db-bergen refused:");
    }

    @Test
    void cooldownRefusalNamesWhenItEnds() {
        FailoverPlan plan = FailoverPlanner.plan(base().lastFailoverEnd(T0.minus(Duration.ofMinutes(30))).build());
        assertThat(plan.refusals()).singleElement().satisfies(r ->
                assertThat(r.message()).contains("cooldown 1h").contains("until 2025-03-01T10:30:00Z"));
    }

    @Test
    void forcingRecordsWhatWasOverriddenAndWaivesTheRpoCheck() {
        FailoverPlan plan = FailoverPlanner.plan(base().trigger(Trigger.operator(true, true))
                .lastFailoverEnd(T0.minus(Duration.ofMinutes(5))).standby(new StandbySnapshot("db-bergen", true, true,
                        Optional.of(replica("Connecting", "Yes", "")), GtidPosition.parse("0-1-90"),
                        Optional.of(T0.minusSeconds(5)))).build());
        assertThat(plan.decision()).isEqualTo(Decision.PROCEED);
        assertThat(plan.enforceRpo()).isFalse();
        assertThat(plan.warnings()).anyMatch(w -> w.startsWith("overridden by --force: COOLDOWN_ACTIVE"))
                .anyMatch(w -> w.startsWith("overridden by --force: RPO_EXCEEDED"));
        assertThat(plan.steps().get(2).description()).contains("waived by --force");
        assertThat(plan.toNewFailover().trigger()).isEqualTo("operator-force");
    }

    @Test
    void aSwitchoverExpectsNoLossAndFencesOverSql() {
        FailoverPlan plan = FailoverPlanner.plan(base().trigger(Trigger.operator(true, false))
                .primaryHealth(PrimaryHealth.HEALTHY).oldPrimaryReachable(true).standby(replicatingBehind()).build());
        assertThat(plan.dataLoss().windowMs()).isZero();
        assertThat(plan.dataLoss().explanation()).contains("fenced first");
        assertThat(plan.warnings()).contains("primary db-oslo is healthy: this is a planned switchover, it is fenced first");
        assertThat(plan.steps().get(0).description()).contains("read_only=ON").contains("kill client connections");
    }

    @Test
    void warnsAboutAStandbyThatIsWritableOrCannotApply() {
        StandbySnapshot broken = new StandbySnapshot("db-bergen", true, false,
                Optional.of(replica("Connecting", "No", "Duplicate entry '1' for key 'PRIMARY'")),
                GtidPosition.parse("0-1-100"), Optional.of(T0.minusMillis(300)));
        FailoverPlan plan = FailoverPlanner.plan(base().standby(broken).build());
        assertThat(plan.warnings()).contains("standby db-bergen is already writable (read_only=OFF)")
                .anyMatch(w -> w.contains("SQL thread is not running (SQL 1062: Duplicate entry")
                        && w.contains("relay log cannot be applied"));
        StandbySnapshot none = new StandbySnapshot("db-bergen", true, true, Optional.empty(), GtidPosition.EMPTY,
                Optional.of(T0.minusMillis(300)));
        assertThat(FailoverPlanner.plan(base().standby(none).build()).warnings())
                .contains("standby db-bergen has no replication configured");
    }

    @Test
    void rendersTheDryRun() {
        String text = FailoverPlanner.plan(base().mode(FailoverMode.MANUAL).build()).render();
        assertThat(text).contains("Failover plan for shop: db-oslo -> db-bergen")
                .contains("Decision: WAIT_FOR_OPERATOR (mode manual, trigger automatic-detection)")
                .contains("Approve with: vakt promote --confirm")
                .contains("Epoch: 4 -> 5")
                .contains("1. FENCE_OLD_PRIMARY")
                .contains("7. BUMP_EPOCH");
        String refused = FailoverPlanner.plan(base().failoverRunning(true).lastFailoverEnd(T0).build()).render();
        assertThat(refused).contains("refused: FAILOVER_IN_PROGRESS").contains("[cannot be overridden]")
                .contains("refused: COOLDOWN_ACTIVE").contains("[--force overrides]");
    }

    @Test
    void thePlanSerialisesToJson() throws Exception {
        var tree = no.vakt.journal.JournalJson.mapper().valueToTree(FailoverPlanner.plan(base().build()));
        assertThat(tree.get("decision").asText()).isEqualTo("PROCEED");
        assertThat(tree.get("mode").asText()).isEqualTo("automatic");
        assertThat(tree.get("dataLoss").get("windowMs").asLong()).isEqualTo(200);
        assertThat(tree.get("steps").size()).isEqualTo(7);
    }

    @Test
    void aLaggingStandbyThatReceivedEverythingDoesNotBlockTheFailover() {
        FailoverPlan plan = FailoverPlanner.plan(base().primaryLastHeartbeat(T0)
                .standby(DataLossEstimatorTest.lagging("0-1-100", "0-1-180", T0.minusMillis(1861))).build());
        assertThat(plan.decision()).isEqualTo(Decision.PROCEED);
        assertThat(plan.refusals()).isEmpty();
        assertThat(plan.warnings()).anyMatch(w -> w.contains("SQL thread is not running"));
    }
}
