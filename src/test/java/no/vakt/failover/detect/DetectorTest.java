package no.vakt.failover.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import no.vakt.config.Checks;
import no.vakt.config.MysqlEndpoint;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DetectorTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final DetectorConfig CONFIG = new DetectorConfig(3, Duration.ofSeconds(3));

    private static final StandbyProbe REPLICATING = StandbyProbe.reachable(IoThreadState.YES, "", 200L, 300L);
    private static final StandbyProbe RECONNECTING = StandbyProbe.reachable(IoThreadState.CONNECTING,
            "error reconnecting to master 'vakt@127.0.0.2:3306' - retry-time: 1  maximum-retries: 100000  message: Can't connect", 4000L, 4000L);
    private static final StandbyProbe GONE = StandbyProbe.unreachable("Connection refused");

    private int tick;

    private ClusterObservation ok(StandbyProbe standby) {
        return new ClusterObservation(T0.plusSeconds(tick++), PrimaryProbe.succeeded(), standby);
    }

    private ClusterObservation fail(StandbyProbe standby) {
        return new ClusterObservation(T0.plusSeconds(tick++), PrimaryProbe.failed("Socket timeout"), standby);
    }

    private static List<PrimaryHealth> states(Detector d, List<ClusterObservation> observations) {
        List<PrimaryHealth> out = new ArrayList<>();
        for (ClusterObservation o : observations) {
            d.observe(o);
            out.add(d.state());
        }
        return out;
    }

    @Test
    void startsUnknownAndReportsTheFirstHealthyProbe() {
        Detector d = new Detector(CONFIG);
        assertThat(d.state()).isEqualTo(PrimaryHealth.UNKNOWN);
        Transition t = d.observe(ok(REPLICATING)).orElseThrow();
        assertThat(t.from()).isEqualTo(PrimaryHealth.UNKNOWN);
        assertThat(t.to()).isEqualTo(PrimaryHealth.HEALTHY);
        assertThat(t.at()).isEqualTo(T0);
        assertThat(t.evidence()).startsWith("monitor: probe ok; standby: IO thread Yes");
        assertThat(d.observe(ok(REPLICATING))).isEmpty();
    }

    @Test
    void becomesSuspectThenDownWhenTheStandbyConfirms() {
        Detector d = new Detector(CONFIG);
        d.observe(ok(REPLICATING));
        Transition suspect = d.observe(fail(REPLICATING)).orElseThrow();
        assertThat(suspect.from()).isEqualTo(PrimaryHealth.HEALTHY);
        assertThat(suspect.to()).isEqualTo(PrimaryHealth.SUSPECT);
        assertThat(suspect.consecutiveFailures()).isEqualTo(1);
        assertThat(suspect.evidence()).contains("1/3 consecutive probe failures (last: Socket timeout)");
        assertThat(d.observe(fail(RECONNECTING))).as("still below the threshold").isEmpty();
        assertThat(d.consecutiveFailures()).isEqualTo(2);

        Transition down = d.observe(fail(RECONNECTING)).orElseThrow();
        assertThat(down.from()).isEqualTo(PrimaryHealth.SUSPECT);
        assertThat(down.to()).isEqualTo(PrimaryHealth.DOWN);
        assertThat(down.consecutiveFailures()).isEqualTo(3);
        assertThat(down.evidence())
                .contains("3/3 consecutive probe failures")
                .contains("IO thread Connecting")
                .contains("error reconnecting to master")
                .endsWith("the standby lost the primary too: primary down");

        assertThat(d.observe(fail(RECONNECTING))).as("no transition while it stays down").isEmpty();
        assertThat(d.consecutiveFailures()).isEqualTo(4);
    }

    @Test
    void aMonitorOnlyPartitionIsNeverDownEvenAsTheHeartbeatRowAges() {
        // The monitor writes the heartbeat row, so when it is cut off the row ages on the standby too;
        // the standby's IO thread still receives replication heartbeats from the live primary.
        Detector d = new Detector(CONFIG);
        d.observe(ok(REPLICATING));
        List<Transition> transitions = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            StandbyProbe s = StandbyProbe.reachable(IoThreadState.YES, "", i * 1000L, 400L);
            d.observe(fail(s)).ifPresent(transitions::add);
            assertThat(d.state()).isNotEqualTo(PrimaryHealth.DOWN);
        }
        assertThat(transitions).extracting(Transition::to)
                .containsExactly(PrimaryHealth.SUSPECT, PrimaryHealth.UNREACHABLE_FROM_MONITOR);
        assertThat(transitions.get(1).evidence())
                .contains("last received 400 ms ago (bound 3000 ms)")
                .contains("heartbeat row 3000 ms old")
                .endsWith("unreachable from the monitor only, no failover");
    }

    @Test
    void withoutAReceiveAgeARunningIoThreadMeansTheStandbyStillSeesThePrimary() {
        Detector d = new Detector(CONFIG);
        StandbyProbe s = StandbyProbe.reachable(IoThreadState.YES, "", 50_000L, null);
        assertThat(states(d, List.of(fail(s), fail(s), fail(s))))
                .containsExactly(PrimaryHealth.SUSPECT, PrimaryHealth.SUSPECT, PrimaryHealth.UNREACHABLE_FROM_MONITOR);
        assertThat(d.lastEvidence()).contains("receive age unknown");
    }

    @Test
    void flappingNeverReachesDown() {
        Detector d = new Detector(CONFIG);
        List<Transition> transitions = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            d.observe(ok(RECONNECTING)).ifPresent(transitions::add);
            d.observe(fail(RECONNECTING)).ifPresent(transitions::add);
            assertThat(d.state()).isIn(PrimaryHealth.HEALTHY, PrimaryHealth.SUSPECT);
        }
        // two misses in a row, then a success, over and over: still never three
        for (int i = 0; i < 20; i++) {
            d.observe(fail(RECONNECTING)).ifPresent(transitions::add);
            d.observe(ok(RECONNECTING)).ifPresent(transitions::add);
            d.observe(fail(RECONNECTING)).ifPresent(transitions::add);
            assertThat(d.state()).isEqualTo(PrimaryHealth.SUSPECT);
        }
        assertThat(transitions).extracting(Transition::to).doesNotContain(PrimaryHealth.DOWN,
                PrimaryHealth.UNREACHABLE_FROM_MONITOR, PrimaryHealth.UNKNOWN);
        assertThat(transitions).hasSize(1 + 99 + 40);
    }

    @Test
    void oneSuccessfulProbeRecoversFromDownAndResetsTheCount() {
        Detector d = new Detector(CONFIG);
        states(d, List.of(fail(RECONNECTING), fail(RECONNECTING), fail(RECONNECTING)));
        assertThat(d.state()).isEqualTo(PrimaryHealth.DOWN);
        Transition t = d.observe(ok(RECONNECTING)).orElseThrow();
        assertThat(t.from()).isEqualTo(PrimaryHealth.DOWN);
        assertThat(t.to()).isEqualTo(PrimaryHealth.HEALTHY);
        assertThat(d.consecutiveFailures()).isZero();
        assertThat(states(d, List.of(fail(RECONNECTING), fail(RECONNECTING))))
                .containsExactly(PrimaryHealth.SUSPECT, PrimaryHealth.SUSPECT);
    }

    @Test
    void reEvaluatesTheStandbyWhileTheMonitorKeepsFailing() {
        Detector d = new Detector(CONFIG);
        assertThat(states(d, List.of(
                fail(RECONNECTING), fail(RECONNECTING), fail(RECONNECTING),
                fail(REPLICATING),
                fail(GONE),
                fail(RECONNECTING))))
                .containsExactly(PrimaryHealth.SUSPECT, PrimaryHealth.SUSPECT, PrimaryHealth.DOWN,
                        PrimaryHealth.UNREACHABLE_FROM_MONITOR, PrimaryHealth.UNKNOWN, PrimaryHealth.DOWN);
    }

    @Test
    void withTheShortHeartbeatPeriodABlackHoleIsConfirmedAtTheThirdFailedProbe() {
        DetectorConfig defaults = DetectorConfig.from(Checks.DEFAULT);
        Duration period = Duration.ofMillis(250);
        // The tick of the third failure sampled the standby 2 s after the first tick that saw nothing new.
        StandbyProbe silent2s = StandbyProbe.reachable(IoThreadState.YES, "", 2000L, 2000L).withHeartbeatPeriod(period);
        Detector d = new Detector(defaults);
        d.observe(ok(REPLICATING));
        assertThat(states(d, List.of(fail(silent2s), fail(silent2s), fail(silent2s))))
                .containsExactly(PrimaryHealth.SUSPECT, PrimaryHealth.SUSPECT, PrimaryHealth.DOWN);
        assertThat(d.lastEvidence()).contains("last received 2000 ms ago (bound 1500 ms)");

        // A monitor-only partition: the live primary's heartbeats arrive every period, so the sampled age
        // is 0, at worst one interval (1 s, four heartbeats missed): never DOWN.
        Detector partition = new Detector(defaults);
        StandbyProbe receiving = StandbyProbe.reachable(IoThreadState.YES, "", 9000L, 1000L).withHeartbeatPeriod(period);
        assertThat(states(partition, List.of(fail(receiving), fail(receiving), fail(receiving), fail(receiving))))
                .endsWith(PrimaryHealth.UNREACHABLE_FROM_MONITOR, PrimaryHealth.UNREACHABLE_FROM_MONITOR);

        // A 1 s period (set up before vakt replicate lowered it) keeps the 3 s bound: 2 s of silence is no witness.
        Detector slow = new Detector(defaults);
        StandbyProbe slowPeriod = StandbyProbe.reachable(IoThreadState.YES, "", 2000L, 2000L).withHeartbeatPeriod(Duration.ofSeconds(1));
        assertThat(states(slow, List.of(fail(slowPeriod), fail(slowPeriod), fail(slowPeriod))))
                .endsWith(PrimaryHealth.UNREACHABLE_FROM_MONITOR);
    }

    @Test
    void theStandbyBoundFollowsTheHeartbeatPeriodWithinTheFloorAndTheOldBound() {
        DetectorConfig defaults = DetectorConfig.from(Checks.DEFAULT);
        assertThat(defaults.standbyBound(Duration.ofMillis(250))).isEqualTo(Duration.ofMillis(1500));
        assertThat(defaults.standbyBound(Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.standbyBound(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(3));
        assertThat(defaults.standbyBound(Duration.ofSeconds(30))).as("never longer than before").isEqualTo(Duration.ofSeconds(3));
        assertThat(defaults.standbyBound(null)).as("unknown period").isEqualTo(Duration.ofSeconds(3));
        DetectorConfig fast = DetectorConfig.from(new Checks(Duration.ofMillis(200), null, 3));
        assertThat(fast.standbyBound(Duration.ofMillis(250))).as("the floor").isEqualTo(Duration.ofMillis(1500));
        assertThat(new DetectorConfig(3, Duration.ofSeconds(3)).standbyBound(Duration.ofMillis(250)))
                .as("a fixed bound").isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aStandbyWhoseReplicationAFailoverAttemptStoppedDoesNotUndoDown() {
        // A black hole: the IO thread still says Yes but has received nothing past the bound.
        StandbyProbe silent = StandbyProbe.reachable(IoThreadState.YES, "", 4000L, 4000L);
        // What an attempt that aborted before the promotion leaves: STOP SLAVE ran, no IO error.
        StandbyProbe stopped = StandbyProbe.reachable(IoThreadState.NO, "", 5000L, null);
        Detector d = new Detector(CONFIG);
        d.observe(ok(REPLICATING));
        assertThat(states(d, List.of(fail(silent), fail(silent), fail(silent), fail(stopped), fail(stopped))))
                .containsExactly(PrimaryHealth.SUSPECT, PrimaryHealth.SUSPECT, PrimaryHealth.DOWN,
                        PrimaryHealth.DOWN, PrimaryHealth.DOWN);
        assertThat(d.lastEvidence()).contains("IO thread No").endsWith(Detector.STILL_DOWN);
        // Only the primary answering, or the standby receiving from it again, ends it.
        assertThat(states(d, List.of(fail(REPLICATING)))).containsExactly(PrimaryHealth.UNREACHABLE_FROM_MONITOR);
        assertThat(states(d, List.of(ok(stopped)))).containsExactly(PrimaryHealth.HEALTHY);

        // Without a confirmed DOWN before, stopped replication is no witness, as ever; nor is an unreachable standby.
        Detector fresh = new Detector(CONFIG);
        assertThat(states(fresh, List.of(fail(stopped), fail(stopped), fail(stopped))))
                .containsExactly(PrimaryHealth.SUSPECT, PrimaryHealth.SUSPECT, PrimaryHealth.UNKNOWN);
        Detector gone = new Detector(CONFIG);
        assertThat(states(gone, List.of(fail(silent), fail(silent), fail(silent), fail(GONE))))
                .containsExactly(PrimaryHealth.SUSPECT, PrimaryHealth.SUSPECT, PrimaryHealth.DOWN, PrimaryHealth.UNKNOWN);
    }

    @Test
    void anUnreachableStandbyCannotConfirmAndTheEvidenceSaysSo() {
        Detector d = new Detector(CONFIG);
        d.observe(ok(REPLICATING));
        d.observe(fail(GONE));
        d.observe(fail(GONE));
        Transition t = d.observe(fail(GONE)).orElseThrow();
        assertThat(t.to()).isEqualTo(PrimaryHealth.UNKNOWN);
        assertThat(t.evidence()).contains("standby: unreachable (Connection refused)")
                .endsWith("the standby cannot confirm: no failover on one witness");
    }

    @Test
    void withOneAllowedFailureTheFirstMissDecides() {
        Detector d = new Detector(new DetectorConfig(1, Duration.ofSeconds(2)));
        d.observe(ok(REPLICATING));
        assertThat(d.observe(fail(RECONNECTING)).orElseThrow().to()).isEqualTo(PrimaryHealth.DOWN);
    }

    static Stream<Arguments> standbyViews() {
        return Stream.of(
                // reachable, IO thread, last IO error, receive age ms -> state after 3 failed probes
                Arguments.of(true, IoThreadState.YES, "", 300L, PrimaryHealth.UNREACHABLE_FROM_MONITOR),
                Arguments.of(true, IoThreadState.YES, "", null, PrimaryHealth.UNREACHABLE_FROM_MONITOR),
                Arguments.of(true, IoThreadState.YES, "", 3000L, PrimaryHealth.UNREACHABLE_FROM_MONITOR),
                Arguments.of(true, IoThreadState.YES, "", 3001L, PrimaryHealth.DOWN),
                Arguments.of(true, IoThreadState.YES, "", 60_000L, PrimaryHealth.DOWN),
                Arguments.of(true, IoThreadState.CONNECTING, "", null, PrimaryHealth.DOWN),
                Arguments.of(true, IoThreadState.CONNECTING, "error reconnecting", 100L, PrimaryHealth.DOWN),
                Arguments.of(true, IoThreadState.NO, "Lost connection to server", null, PrimaryHealth.DOWN),
                Arguments.of(true, IoThreadState.NO, "", null, PrimaryHealth.UNKNOWN),
                Arguments.of(true, IoThreadState.NO, "  ", 100L, PrimaryHealth.UNKNOWN),
                Arguments.of(false, IoThreadState.YES, "", 100L, PrimaryHealth.UNKNOWN),
                Arguments.of(false, IoThreadState.CONNECTING, "", null, PrimaryHealth.UNKNOWN));
    }

    @ParameterizedTest(name = "reachable={0} io={1} error=''{2}'' receiveAge={3} -> {4}")
    @MethodSource("standbyViews")
    void afterTheThresholdTheStandbyDecides(boolean reachable, IoThreadState io, String error, Long receiveAge,
            PrimaryHealth expected) {
        StandbyProbe s = reachable
                ? StandbyProbe.reachable(io, error, 100L, receiveAge)
                : StandbyProbe.unreachable("timeout");
        Detector d = new Detector(CONFIG);
        d.observe(ok(REPLICATING));
        assertThat(states(d, List.of(fail(s), fail(s), fail(s))))
                .containsExactly(PrimaryHealth.SUSPECT, PrimaryHealth.SUSPECT, expected);
    }

    @ParameterizedTest(name = "reachable={0} io={1} -> still SUSPECT below the threshold")
    @MethodSource("standbyViews")
    void belowTheThresholdTheStandbyDoesNotMatter(boolean reachable, IoThreadState io, String error, Long receiveAge,
            PrimaryHealth ignored) {
        StandbyProbe s = reachable ? StandbyProbe.reachable(io, error, 100L, receiveAge) : StandbyProbe.unreachable("x");
        Detector d = new Detector(CONFIG);
        assertThat(states(d, List.of(fail(s), fail(s)))).containsOnly(PrimaryHealth.SUSPECT);
    }

    @Test
    void aSuccessfulProbeIsHealthyWhateverTheStandbySays() {
        for (StandbyProbe s : List.of(REPLICATING, RECONNECTING, GONE,
                StandbyProbe.reachable(IoThreadState.NO, "", null, null))) {
            Detector d = new Detector(CONFIG);
            d.observe(fail(s));
            Optional<Transition> t = d.observe(ok(s));
            assertThat(t).map(Transition::to).contains(PrimaryHealth.HEALTHY);
        }
    }

    @Test
    void onlyUnreachableAndDownAlert() {
        assertThat(Stream.of(PrimaryHealth.values()).filter(PrimaryHealth::alerting))
                .containsExactly(PrimaryHealth.UNREACHABLE_FROM_MONITOR, PrimaryHealth.DOWN);
    }

    @Test
    void standbyBoundIsThreeIntervalsWithATwoSecondFloor() {
        assertThat(DetectorConfig.from(Checks.DEFAULT))
                .isEqualTo(new DetectorConfig(3, Duration.ofSeconds(3), Duration.ofSeconds(1)));
        assertThat(DetectorConfig.from(new Checks(Duration.ofMillis(250), null, 5)))
                .isEqualTo(new DetectorConfig(5, Duration.ofSeconds(2), Duration.ofMillis(250)));
        assertThat(DetectorConfig.from(new Checks(Duration.ofSeconds(5), null, 2)).standbyBound())
                .isEqualTo(Duration.ofSeconds(15));
        assertThatThrownBy(() -> new DetectorConfig(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DetectorConfig(3, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesTheIoThreadState() {
        assertThat(IoThreadState.parse("Yes")).isEqualTo(IoThreadState.YES);
        assertThat(IoThreadState.parse("yes")).isEqualTo(IoThreadState.YES);
        assertThat(IoThreadState.parse("Connecting")).isEqualTo(IoThreadState.CONNECTING);
        assertThat(IoThreadState.parse("Preparing")).isEqualTo(IoThreadState.CONNECTING);
        assertThat(IoThreadState.parse("No")).isEqualTo(IoThreadState.NO);
        assertThat(IoThreadState.parse("")).isEqualTo(IoThreadState.NO);
        assertThat(IoThreadState.parse(null)).isEqualTo(IoThreadState.NO);
    }

    @Test
    void buildsTheStandbyProbeFromAnInspection() {
        Node node = new Node("db-bergen", Role.STANDBY, null, null,
                new MysqlEndpoint("127.0.0.3", 3306, "vakt", null, null, null), null, null, null);
        ReplicaStatus replica = new ReplicaStatus("127.0.0.2", 3306, "Connecting", "Yes", null, 2003,
                "Can't connect", 0, "", false, "Slave_Pos", Map.of());
        NodeState state = new NodeState(node, true, null, Map.of(), Optional.of(replica), 1500L, Map.of(), Map.of());
        assertThat(StandbyProbe.from(state, 900L))
                .isEqualTo(StandbyProbe.reachable(IoThreadState.CONNECTING, "Can't connect", 1500L, 900L));
        NodeState noReplica = new NodeState(node, true, null, Map.of(), Optional.empty(), null, Map.of(), Map.of());
        assertThat(StandbyProbe.from(noReplica, null).ioThread()).isEqualTo(IoThreadState.NO);
        assertThat(StandbyProbe.from(NodeState.unreachable(node, "timeout"), 5L))
                .isEqualTo(StandbyProbe.unreachable("timeout"));
    }
}
