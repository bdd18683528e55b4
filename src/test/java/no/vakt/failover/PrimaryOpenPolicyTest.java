package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.db.NodeState;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import org.junit.jupiter.api.Test;

/** When vakt run opens a live primary it finds read-only: every rule of {@link PrimaryOpenPolicy}, one case each. */
class PrimaryOpenPolicyTest {
    static final Node OSLO = LiveRolesTest.OSLO;
    static final Node BERGEN = LiveRolesTest.BERGEN;

    static NodeState readOnlyIdle(Node n) {
        return new NodeState(n, true, null, Map.of("read_only", "ON"), Optional.empty(), null, Map.of(), Map.of());
    }

    /** oslo-db restarted read-only, bergen-db replicates from it, epochs 3 everywhere, the journal's holder oslo-db. */
    static PrimaryOpenPolicy.Facts restarted() {
        return new PrimaryOpenPolicy.Facts(readOnlyIdle(OSLO), LiveRolesTest.replicatingFrom(BERGEN, OSLO), 3L, 3L, 3,
                Optional.of("oslo-db"), "oslo-db", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static PrimaryOpenPolicy.Verdict decide(PrimaryOpenPolicy.Facts f) {
        return PrimaryOpenPolicy.decide(f);
    }

    static PrimaryOpenPolicy.Facts with(PrimaryOpenPolicy.Facts f, NodeState primary, NodeState standby) {
        return new PrimaryOpenPolicy.Facts(primary, standby, f.primaryEpoch(), f.standbyEpoch(), f.journalEpoch(),
                f.epochHolder(), f.configPrimary(), f.running(), f.lastCompleted(), f.pause(), f.setWhileRunning());
    }

    static PrimaryOpenPolicy.Facts epochs(Long primary, Long standby, long journal, Optional<String> holder, String config) {
        PrimaryOpenPolicy.Facts f = restarted();
        return new PrimaryOpenPolicy.Facts(f.primary(), f.standby(), primary, standby, journal, holder, config,
                f.running(), f.lastCompleted(), f.pause(), f.setWhileRunning());
    }

    static PrimaryOpenPolicy.Facts journal(Optional<FailoverRecord> running, Optional<FailoverRecord> completed,
            Optional<String> pause, Optional<String> setWhileRunning) {
        PrimaryOpenPolicy.Facts f = restarted();
        return new PrimaryOpenPolicy.Facts(f.primary(), f.standby(), f.primaryEpoch(), f.standbyEpoch(), f.journalEpoch(),
                f.epochHolder(), f.configPrimary(), running, completed, pause, setWhileRunning);
    }

    static FailoverRecord record(String from, String to, String mode, FailoverOutcome outcome) {
        return DoorFencePolicyTest.failover(from, to, mode, outcome);
    }

    @Test
    void theSettledPrimaryRestartedReadOnlyIsOpened() {
        PrimaryOpenPolicy.Verdict v = decide(restarted());
        assertThat(v.action()).isEqualTo(PrimaryOpenPolicy.Action.OPEN);
        assertThat(v.reason()).isEqualTo("oslo-db is the settled primary (epoch 3) and bergen-db is read-only");
    }

    @Test
    void aFreshClusterWithoutPromotionsOpensTheConfigsPrimaryOnly() {
        assertThat(decide(epochs(0L, 0L, 0, Optional.empty(), "oslo-db")).action()).isEqualTo(PrimaryOpenPolicy.Action.OPEN);
        PrimaryOpenPolicy.Verdict v = decide(epochs(0L, 0L, 0, Optional.empty(), "bergen-db"));
        assertThat(v.action()).isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(v.reason()).contains("the config names bergen-db the primary");
    }

    @Test
    void nothingToDoForAWritableADeadOrAReplicatingPrimary() {
        NodeState bergen = restarted().standby();
        assertThat(decide(with(restarted(), LiveRolesTest.writable(OSLO), bergen)).action())
                .isEqualTo(PrimaryOpenPolicy.Action.NONE);
        assertThat(decide(with(restarted(), LiveRolesTest.dead(OSLO), bergen)).action())
                .isEqualTo(PrimaryOpenPolicy.Action.NONE);
        assertThat(decide(with(restarted(), LiveRolesTest.replicatingFrom(OSLO, BERGEN), readOnlyIdle(BERGEN))).action())
                .isEqualTo(PrimaryOpenPolicy.Action.NONE);
    }

    @Test
    void neverTwoWritableNodesAndNeverBlindToTheOther() {
        PrimaryOpenPolicy.Verdict writable = decide(with(restarted(), readOnlyIdle(OSLO), LiveRolesTest.writable(BERGEN)));
        assertThat(writable.action()).isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(writable.reason()).isEqualTo("bergen-db is writable: opening oslo-db would make two");
        PrimaryOpenPolicy.Verdict silent = decide(with(restarted(), readOnlyIdle(OSLO), LiveRolesTest.dead(BERGEN)));
        assertThat(silent.action()).isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(silent.reason()).contains("bergen-db does not answer");
        // A fenced, not yet rejoined standby (read-only, replicating from nobody) is read-only all the same.
        assertThat(decide(with(restarted(), readOnlyIdle(OSLO), readOnlyIdle(BERGEN))).action())
                .isEqualTo(PrimaryOpenPolicy.Action.OPEN);
    }

    @Test
    void waitsWhileAFailoverOrASwitchoverRuns() {
        PrimaryOpenPolicy.Verdict v = decide(journal(Optional.of(record("oslo-db", "bergen-db", "switchover",
                FailoverOutcome.RUNNING)), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(v.action()).isEqualTo(PrimaryOpenPolicy.Action.BUSY);
        assertThat(v.reason()).isEqualTo("a switchover is running (7, oslo-db -> bergen-db)");
    }

    @Test
    void waitsWhilePausedAndSaysHowToResume() {
        PrimaryOpenPolicy.Verdict v = decide(journal(Optional.empty(), Optional.empty(),
                Optional.of("until 2026-12-07T03:00:00Z, reason 'upgrade', by alice"), Optional.empty()));
        assertThat(v.action()).isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(v.reason()).startsWith("the cluster is paused (until 2026-12-07T03:00:00Z").endsWith("vakt resume");
    }

    @Test
    void readOnlySetOnARunningPrimaryIsSomebodysIntentAndStays() {
        PrimaryOpenPolicy.Verdict v = decide(journal(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("seen writable at 2026-12-07T02:00:05Z, up since 2026-12-07T01:00:00Z")));
        assertThat(v.action()).isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(v.reason()).contains("not by a restart");
    }

    @Test
    void theOldPrimaryOfAFailoverStaysFencedButASwitchoverDoesNotCount() {
        PrimaryOpenPolicy.Verdict v = decide(journal(Optional.empty(),
                Optional.of(record("oslo-db", "bergen-db", "automatic", FailoverOutcome.COMPLETED)), Optional.empty(),
                Optional.empty()));
        assertThat(v.action()).isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(v.reason()).contains("lost the primary role to bergen-db in failover 7").contains("vakt rejoin oslo-db");
        // A switchover back to oslo-db made it the primary again, on purpose.
        assertThat(decide(journal(Optional.empty(), Optional.of(record("bergen-db", "oslo-db", "switchover",
                FailoverOutcome.COMPLETED)), Optional.empty(), Optional.empty())).action())
                .isEqualTo(PrimaryOpenPolicy.Action.OPEN);
    }

    @Test
    void anEpochBehindTheClustersOrUnreadableOrAnotherHolderKeepsItReadOnly() {
        PrimaryOpenPolicy.Verdict behindJournal = decide(epochs(3L, 3L, 4, Optional.of("oslo-db"), "oslo-db"));
        assertThat(behindJournal.action()).isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(behindJournal.reason()).isEqualTo("oslo-db's epoch 3 is behind the cluster epoch 4: it is not the"
                + " rightful primary");
        assertThat(decide(epochs(3L, 4L, 3, Optional.of("oslo-db"), "oslo-db")).action())
                .isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(decide(epochs(null, 3L, 3, Optional.of("oslo-db"), "oslo-db")).reason()).contains("unreadable");
        PrimaryOpenPolicy.Verdict otherHolder = decide(epochs(3L, 3L, 3, Optional.of("bergen-db"), "oslo-db"));
        assertThat(otherHolder.action()).isEqualTo(PrimaryOpenPolicy.Action.WAIT);
        assertThat(otherHolder.reason()).contains("last promotion made bergen-db the primary");
    }
}
