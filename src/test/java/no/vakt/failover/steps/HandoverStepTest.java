package no.vakt.failover.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import no.vakt.alert.Alert;
import no.vakt.alert.LoggingAlertSink;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Severity;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;
import no.vakt.filesync.LoggingFileSyncDirector;
import no.vakt.filesync.NoOpFileSyncDirector;
import no.vakt.journal.StepOutcome;
import no.vakt.traffic.LoggingTrafficSwitch;
import no.vakt.traffic.NoOpTrafficSwitch;
import org.junit.jupiter.api.Test;

class HandoverStepTest {
    private static final StepContext CTX = new StepContext(3, "shop", "db-oslo", "db-bergen", 5, true);
    private static final OperatorCommands COMMANDS = OperatorCommands.of(Path.of("/etc/vakt/shop.yml"), null);
    private final List<String> calls = new ArrayList<>();

    @Test
    void turnsFileSyncThenTrafficAndLeavesTheFinishedAlertToTheRunner() throws Exception {
        HandoverStep step = new HandoverStep(
                (cluster, node, epoch) -> calls.add("traffic " + cluster + " " + node + " " + epoch),
                (cluster, node, epoch) -> calls.add("files " + cluster + " " + node + " " + epoch), COMMANDS);
        StepResult r = step.execute(CTX);
        assertThat(step.name()).isEqualTo(StepName.HANDOVER);
        assertThat(r.outcome()).isEqualTo(StepOutcome.OK);
        assertThat(r.trafficPending()).isFalse();
        assertThat(calls).as("files first: the old primary's pushes stop before the slow DNS part")
                .containsExactly("files shop db-bergen 5", "traffic shop db-bergen 5");
    }

    @Test
    void aFailedTrafficSwitchLeavesTrafficPendingAfterFileSyncMoved() {
        StepResult r = new HandoverStep((c, n, e) -> {
            throw new IllegalStateException("DNS API answered 503");
        }, (c, n, e) -> calls.add("files"), COMMANDS).execute(CTX);
        assertThat(calls).containsExactly("files");
        assertThat(r.outcome()).as("journaled as failed").isEqualTo(StepOutcome.FAILED);
        assertThat(r.trafficPending()).as("but only the traffic part: the failover goes on").isTrue();
        assertThat(r.detail()).isEqualTo("file sync now from db-bergen; traffic switch to db-bergen failed: DNS API answered"
                + " 503; vakt run retries the switch; by hand: vakt traffic apply --config /etc/vakt/shop.yml");
    }

    @Test
    void aFailedFileSyncFailsTheStepButTrafficStillMoves() {
        StepResult r = new HandoverStep((c, n, e) -> calls.add("traffic"), (c, n, e) -> {
            throw new java.io.IOException("journal is read-only");
        }, COMMANDS).execute(CTX);
        assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(r.trafficPending()).isFalse();
        assertThat(r.detail()).isEqualTo("file sync direction failed: journal is read-only; traffic switched to db-bergen");
        assertThat(calls).containsExactly("traffic");
    }

    @Test
    void anInterruptDuringTheSwitchIsKeptAndTrafficStaysPending() {
        StepResult r = new HandoverStep((c, n, e) -> {
            throw new InterruptedException();
        }, new NoOpFileSyncDirector(), COMMANDS).execute(CTX);
        try {
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(r.trafficPending()).isTrue();
        assertThat(r.detail()).contains("traffic switch to db-bergen interrupted");
    }

    @Test
    void theNoOpAndLoggingImplementationsNeverThrow() {
        assertThatCode(() -> {
            assertThat(new HandoverStep(new NoOpTrafficSwitch(), new NoOpFileSyncDirector(), OperatorCommands.NONE)
                    .execute(CTX).outcome()).isEqualTo(StepOutcome.OK);
            assertThat(new HandoverStep(new LoggingTrafficSwitch(), new LoggingFileSyncDirector(), OperatorCommands.NONE)
                    .execute(CTX).outcome()).isEqualTo(StepOutcome.OK);
            for (Severity s : Severity.values()) new LoggingAlertSink().send(new Alert(s, "shop", "e", null, null));
        }).doesNotThrowAnyException();
    }
}
