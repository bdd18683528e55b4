package no.vakt.failover;

import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.alert.Severity;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.traffic.TrafficSwitch;

/**
 * Step 4: hands the application over to the new primary. Traffic first (the part users feel), then
 * the file-sync direction; either failing fails the step. A failed traffic switch is alerted here, with
 * what a person must do by hand; alerts are best effort and never fail the step.
 */
public final class HandoverStep implements FailoverStep {
    private final TrafficSwitch traffic;
    private final FileSyncDirector files;
    private final AlertSink alerts;

    public HandoverStep(TrafficSwitch traffic, FileSyncDirector files, AlertSink alerts) {
        this.traffic = traffic;
        this.files = files;
        this.alerts = alerts;
    }

    private void alert(Alert a) {
        try {
            alerts.send(a);
        } catch (RuntimeException e) {
            // An AlertSink must not throw; if one does, the failover goes on.
        }
    }

    @Override
    public StepName name() {
        return StepName.HANDOVER;
    }

    @Override
    public StepResult execute(StepContext ctx) throws Exception {
        try {
            traffic.routeTo(ctx.cluster(), ctx.toNode(), ctx.newEpoch());
        } catch (Exception e) {
            alert(new Alert(Severity.CRITICAL, ctx.cluster(), "traffic switch to " + ctx.toNode() + " failed",
                    "failover " + ctx.failoverId() + " from " + ctx.fromNode() + ": " + e.getMessage(),
                    ctx.toNode() + " is promoted but users may still be sent to " + ctx.fromNode()
                            + ": point DNS / the load balancer at " + ctx.toNode() + " by hand",
                    AlertKind.TRAFFIC_SWITCH_FAILED, ctx.toNode()));
            return StepResult.failed("traffic switch to " + ctx.toNode() + " failed: " + e.getMessage());
        }
        try {
            files.makeSource(ctx.cluster(), ctx.toNode(), ctx.newEpoch());
        } catch (Exception e) {
            return StepResult.failed("traffic switched, but file sync direction failed: " + e.getMessage());
        }
        // The runner alerts the finished failover with its timings once every step is done.
        return StepResult.ok("traffic and file sync switched to " + ctx.toNode());
    }
}
