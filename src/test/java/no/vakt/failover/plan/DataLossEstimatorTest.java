package no.vakt.failover.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import no.vakt.cluster.GtidPosition;
import org.junit.jupiter.api.Test;

class DataLossEstimatorTest {
    static final Instant T0 = FailoverPlannerTest.T0;
    static final Duration RPO = Duration.ofSeconds(1);

    static StandbySnapshot standby(String gtid, Instant heartbeat, String io) {
        return new StandbySnapshot("db-bergen", true, true, Optional.of(FailoverPlannerTest.replica(io, "Yes", "")),
                GtidPosition.parse(gtid), Optional.ofNullable(heartbeat));
    }

    @Test
    void windowIsTheGapBetweenTheHeartbeatsWrittenAndApplied() {
        DataLossEstimate e = DataLossEstimator.estimate(T0, RPO, false, Optional.of(T0.minusSeconds(10)),
                Optional.empty(), standby("0-1-5", T0.minusSeconds(12), "Connecting"));
        assertThat(e.windowMs()).isEqualTo(2000);
        assertThat(e.withinRpo()).isFalse();
        assertThat(e.rpoMs()).isEqualTo(1000);
        assertThat(e.missingTransactions()).isNull();
        assertThat(e.explanation()).contains("about 2000 ms of writes at risk").endsWith("RPO 1000 ms: exceeded");
    }

    @Test
    void anUnknownLastWriteIsAssumedToBeNow() {
        DataLossEstimate e = DataLossEstimator.estimate(T0, RPO, false, Optional.empty(), Optional.empty(),
                standby("0-1-5", T0.minusMillis(700), "Connecting"));
        assertThat(e.windowMs()).isEqualTo(700);
        assertThat(e.withinRpo()).isTrue();
        assertThat(e.explanation()).contains("unknown, assumed now");
    }

    @Test
    void aStandbyAheadOfTheLastKnownHeartbeatLosesNothing() {
        DataLossEstimate e = DataLossEstimator.estimate(T0, RPO, false, Optional.of(T0.minusSeconds(3)),
                Optional.empty(), standby("0-1-5", T0.minusSeconds(2), "Connecting"));
        assertThat(e.windowMs()).isZero();
    }

    @Test
    void countsMissingTransactionsByGtid() {
        DataLossEstimate e = DataLossEstimator.estimate(T0, RPO, false, Optional.of(T0), Optional.of(
                GtidPosition.parse("0-1-110,1-1-7")), standby("0-1-100,1-1-7", T0.minusMillis(100), "Connecting"));
        assertThat(e.missingTransactions()).isEqualTo(10);
        assertThat(e.missingGtids()).containsExactly("0-1-110");
        assertThat(e.withinRpo()).as("the time window decides when known").isTrue();
        assertThat(e.explanation()).contains("10 transactions behind by GTID");
    }

    @Test
    void withoutHeartbeatsOnlyACompleteGtidMatchIsWithinTheRpo() {
        DataLossEstimate same = DataLossEstimator.estimate(T0, RPO, false, Optional.empty(),
                Optional.of(GtidPosition.parse("0-1-100")), standby("0-1-100", null, "Connecting"));
        assertThat(same.windowMs()).isNull();
        assertThat(same.missingTransactions()).isZero();
        assertThat(same.withinRpo()).isTrue();

        DataLossEstimate behind = DataLossEstimator.estimate(T0, RPO, false, Optional.empty(),
                Optional.of(GtidPosition.parse("0-1-101")), standby("0-1-100", null, "Connecting"));
        assertThat(behind.withinRpo()).isFalse();
        assertThat(behind.explanation()).endsWith("exceeded");

        DataLossEstimate unknown = DataLossEstimator.estimate(T0, RPO, false, Optional.empty(), Optional.empty(),
                standby("0-1-100", null, "Connecting"));
        assertThat(unknown.withinRpo()).isFalse();
        assertThat(unknown.explanation()).contains("unknown").endsWith("cannot be verified");
    }

    @Test
    void aReachableOldPrimaryWithAConnectedStandbyLosesNothing() {
        DataLossEstimate e = DataLossEstimator.estimate(T0, RPO, true, Optional.of(T0),
                Optional.of(GtidPosition.parse("0-1-200")), standby("0-1-100", T0.minusSeconds(60), "Yes"));
        assertThat(e.windowMs()).isZero();
        assertThat(e.withinRpo()).isTrue();
        assertThat(e.missingTransactions()).isEqualTo(100);
        // but not when the standby's IO thread cannot receive the rest
        DataLossEstimate cut = DataLossEstimator.estimate(T0, RPO, true, Optional.of(T0),
                Optional.of(GtidPosition.parse("0-1-200")), standby("0-1-100", T0.minusSeconds(60), "Connecting"));
        assertThat(cut.windowMs()).isEqualTo(60_000);
        assertThat(cut.withinRpo()).isFalse();
    }

    /** The lagging-standby row: the SQL thread stopped for 2 s of writes, the IO thread received them all. */
    static StandbySnapshot lagging(String applied, String received, Instant appliedHeartbeat) {
        no.vakt.db.ReplicaStatus r = FailoverPlannerTest.replica("Connecting", "No", "");
        no.vakt.db.ReplicaStatus withReceived = new no.vakt.db.ReplicaStatus(r.masterHost(), r.masterPort(), r.ioRunning(),
                r.sqlRunning(), r.secondsBehindMaster(), r.lastIoErrno(), r.lastIoError(), r.lastSqlErrno(),
                r.lastSqlError(), r.sslAllowed(), r.usingGtid(), r.filters(), GtidPosition.parse(received));
        return new StandbySnapshot("db-bergen", true, true, Optional.of(withReceived), GtidPosition.parse(applied),
                Optional.of(appliedHeartbeat));
    }

    @Test
    void beforeApplyingAReceivedBacklogDefersTheVerdictToTheCheckAfterTheApply() {
        StandbySnapshot s = lagging("0-1-100", "0-1-180", T0.minusMillis(1861));
        DataLossEstimate strict = DataLossEstimator.estimate(T0, RPO, false, Optional.of(T0), Optional.empty(), s);
        assertThat(strict.withinRpo()).as("after the apply, the applied heartbeat decides").isFalse();

        DataLossEstimate before = DataLossEstimator.estimateBeforeApply(T0, RPO, false, Optional.of(T0), Optional.empty(), s);
        assertThat(before.withinRpo()).isTrue();
        assertThat(before.windowMs()).isEqualTo(1861);
        assertThat(before.explanation()).contains("has received 80 transaction(s) it has not applied yet")
                .contains("CHECK_DATA_LOSS");
    }

    @Test
    void beforeApplyingNothingReceivedBeyondTheAppliedKeepsTheRefusal() {
        StandbySnapshot s = lagging("0-1-100", "0-1-100", T0.minusMillis(1861));
        DataLossEstimate before = DataLossEstimator.estimateBeforeApply(T0, RPO, false, Optional.of(T0), Optional.empty(), s);
        assertThat(before.withinRpo()).isFalse();
        assertThat(before.explanation()).contains("about 1861 ms of writes at risk");
    }

    @Test
    void beforeApplyingAKnownPrimaryPositionNotReceivedKeepsTheRefusal() {
        StandbySnapshot s = lagging("0-1-100", "0-1-150", T0.minusSeconds(5));
        DataLossEstimate before = DataLossEstimator.estimateBeforeApply(T0, RPO, false, Optional.of(T0),
                Optional.of(GtidPosition.parse("0-1-200")), s);
        assertThat(before.withinRpo()).isFalse();
    }
}
