package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.LoggingAlertSink;
import no.vakt.alert.NoOpAlertSink;
import no.vakt.alert.Severity;
import no.vakt.filesync.LoggingFileSyncDirector;
import no.vakt.filesync.NoOpFileSyncDirector;
import no.vakt.journal.StepOutcome;
import no.vakt.traffic.LoggingTrafficSwitch;
import no.vakt.traffic.NoOpTrafficSwitch;
import org.junit.jupiter.api.Test;

class HandoverStepTest {
    private static final StepContext CTX = new StepContext(3, "shop", "db-oslo", "db-bergen", 5, true);
    private final List<String> calls = new ArrayList<>();
    private final List<Alert> alerts = new ArrayList<>();

    @Test
    void switchesTrafficThenFilesAndLeavesTheFinishedAlertToTheRunner() throws Exception {
        HandoverStep step = new HandoverStep(
                (cluster, node, epoch) -> calls.add("traffic " + cluster + " " + node + " " + epoch),
                (cluster, node, epoch) -> calls.add("files " + cluster + " " + node + " " + epoch),
                a -> {
                    calls.add("alert");
                    alerts.add(a);
                });
        StepResult r = step.execute(CTX);
        assertThat(step.name()).isEqualTo(StepName.HANDOVER);
        assertThat(r.outcome()).isEqualTo(StepOutcome.OK);
        assertThat(calls).containsExactly("traffic shop db-bergen 5", "files shop db-bergen 5");
        assertThat(alerts).isEmpty();
    }

    @Test
    void aFailedTrafficSwitchFailsTheStepBeforeFilesMoveAndIsAlerted() throws Exception {
        HandoverStep step = new HandoverStep(
                (c, n, e) -> {
                    throw new IllegalStateException("DNS API answered 503");
                },
                (c, n, e) -> calls.add("files"),
                alerts::add);
        StepResult r = step.execute(CTX);
        assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(r.detail()).isEqualTo("traffic switch to db-bergen failed: DNS API answered 503");
        assertThat(calls).isEmpty();
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.kind()).isEqualTo(AlertKind.TRAFFIC_SWITCH_FAILED);
            assertThat(a.evidence()).contains("failover 3 from db-oslo").contains("DNS API answered 503");
            assertThat(a.action()).contains("by hand");
        });
    }

    @Test
    void aFailedFileSyncFailsTheStep() throws Exception {
        StepResult r = new HandoverStep((c, n, e) -> calls.add("traffic"), (c, n, e) -> {
            throw new java.io.IOException("rsync exited 23");
        }, a -> calls.add("alert")).execute(CTX);
        assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(r.detail()).contains("file sync direction failed: rsync exited 23");
        assertThat(calls).containsExactly("traffic");
    }

    @Test
    void aThrowingAlertSinkDoesNotChangeTheStepsResult() throws Exception {
        StepResult r = new HandoverStep((c, n, e) -> {
            throw new IllegalStateException("DNS API answered 503");
        }, new NoOpFileSyncDirector(), a -> {
            throw new IllegalStateException("smtp down");
        }).execute(CTX);
        assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(r.detail()).isEqualTo("traffic switch to db-bergen failed: DNS API answered 503");
    }

    @Test
    void theNoOpAndLoggingImplementationsNeverThrow() {
        assertThatCode(() -> {
            new HandoverStep(new NoOpTrafficSwitch(), new NoOpFileSyncDirector(), new NoOpAlertSink()).execute(CTX);
            new HandoverStep(new LoggingTrafficSwitch(), new LoggingFileSyncDirector(), new LoggingAlertSink()).execute(CTX);
            for (Severity s : Severity.values()) new LoggingAlertSink().send(new Alert(s, "shop", "e", null, null));
        }).doesNotThrowAnyException();
    }
}
