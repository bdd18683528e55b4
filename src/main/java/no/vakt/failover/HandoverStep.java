package no.vakt.failover;

import no.vakt.alert.Alert;
import no.vakt.alert.AlertSink;
import no.vakt.alert.Severity;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.traffic.TrafficSwitch;

/**
 * Step 4: hands the application over to the new primary. Traffic first (the part users feel), then
 * the file-sync direction; either failing fails the step. The alert that the promotion happened is
 * sent last and is best effort.
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

    @Override
    public StepName name() {
        return StepName.HANDOVER;
    }

    @Override
    public StepResult execute(StepContext ctx) throws Exception {
        try {
            traffic.routeTo(ctx.cluster(), ctx.toNode(), ctx.newEpoch());
        } catch (Exception e) {
            return StepResult.failed("traffic switch to " + ctx.toNode() + " failed: " + e.getMessage());
        }
        try {
            files.makeSource(ctx.cluster(), ctx.toNode(), ctx.newEpoch());
        } catch (Exception e) {
            return StepResult.failed("traffic switched, but file sync direction failed: " + e.getMessage());
        }
        try {
            alerts.send(new Alert(Severity.CRITICAL, ctx.cluster(), "failover: " + ctx.toNode() + " is the new primary",
                    "failover " + ctx.failoverId() + " from " + ctx.fromNode() + ", epoch " + ctx.newEpoch(),
                    "traffic and file sync now point at " + ctx.toNode() + "; " + ctx.fromNode()
                            + " stays read-only until rebuilt as a standby"));
        } catch (RuntimeException e) {
            // Alerts are best effort: the handover itself succeeded and the journal has the record.
            return StepResult.ok("traffic and file sync switched; alert not delivered: " + e.getMessage());
        }
        return StepResult.ok("traffic and file sync switched to " + ctx.toNode());
    }
}
