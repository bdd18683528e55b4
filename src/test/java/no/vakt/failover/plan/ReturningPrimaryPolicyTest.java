package no.vakt.failover.plan;

import static no.vakt.failover.plan.ReturningPrimaryPolicy.Action.ALERT;
import static no.vakt.failover.plan.ReturningPrimaryPolicy.Action.KEEP_READ_ONLY;
import static no.vakt.failover.plan.ReturningPrimaryPolicy.Action.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import no.vakt.cluster.Severity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReturningPrimaryPolicyTest {
    static Stream<Arguments> table() {
        return Stream.of(
                // node, current primary, cluster epoch -> action, severity, reason fragment
                Arguments.of(new NodeView("db-oslo", true, true, false, 4L), "db-bergen", 5L, KEEP_READ_ONLY,
                        Severity.CRITICAL, "back and writable with epoch 4 < cluster epoch 5"),
                Arguments.of(new NodeView("db-oslo", true, true, false, null), "db-bergen", 5L, KEEP_READ_ONLY,
                        Severity.CRITICAL, "no epoch < cluster epoch 5"),
                Arguments.of(new NodeView("db-oslo", true, true, false, 5L), "db-bergen", 5L, KEEP_READ_ONLY,
                        Severity.CRITICAL, "writable but db-bergen is the primary"),
                Arguments.of(new NodeView("db-oslo", true, false, false, 4L), "db-bergen", 5L, ALERT,
                        Severity.WARNING, "kept read-only and out of traffic"),
                Arguments.of(new NodeView("db-oslo", true, false, true, 4L), "db-bergen", 5L, NONE,
                        null, "replicating"),
                Arguments.of(new NodeView("db-oslo", true, false, true, 5L), "db-bergen", 5L, NONE, null, "read-only"),
                Arguments.of(new NodeView("db-oslo", true, true, false, 7L), "db-bergen", 5L, ALERT,
                        Severity.CRITICAL, "newer than the cluster epoch 5"),
                Arguments.of(new NodeView("db-bergen", true, true, false, 5L), "db-bergen", 5L, NONE, null, "current primary"),
                Arguments.of(NodeView.unreachable("db-oslo"), "db-bergen", 5L, NONE, null, "not reachable"));
    }

    @ParameterizedTest(name = "{0} primary={1} epoch={2} -> {3}")
    @MethodSource("table")
    void decides(NodeView node, String primary, long epoch, ReturningPrimaryPolicy.Action action, Severity severity,
            String reason) {
        ReturningPrimaryPolicy.Verdict v = ReturningPrimaryPolicy.decide(node, primary, epoch);
        assertThat(v.node()).isEqualTo(node.name());
        assertThat(v.action()).as(v.reason()).isEqualTo(action);
        assertThat(v.severity()).isEqualTo(severity);
        assertThat(v.reason()).contains(reason);
        if (action == KEEP_READ_ONLY) {
            assertThat(v.reason()).contains("never fails back by itself");
        }
    }
}
