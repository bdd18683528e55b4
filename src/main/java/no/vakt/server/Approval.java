package no.vakt.server;

import java.time.Duration;
import java.time.Instant;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.FailoverMode;
import no.vakt.failover.detect.MonitorTick;
import no.vakt.failover.detect.PrimaryHealth;

/**
 * Whether a failover awaits an operator's approval right now, and why (not). Pure: made from the
 * monitor's latest tick. It awaits approval only in manual mode, while the monitor currently says the
 * live primary is DOWN (both witnesses agree) and no failover runs: exactly when the monitor has
 * alerted "approve with: vakt promote --confirm --config ...".
 *
 * @param from / to the nodes the promotion would move the primary from and to (null when unknown)
 * @param command the exact command that approves from a shell ({@link OperatorCommands#promote}: with the
 *     daemon's {@code --config}, and its {@code --journal} when not the default); null unless awaiting
 * @param primaryLastHeartbeat when the monitor last wrote the heartbeat on {@code from}: the promotion
 *     measures its data loss from it instead of assuming the dead primary wrote until the approval
 */
public record Approval(boolean awaiting, String reason, String from, String to, String command,
        Instant primaryLastHeartbeat) {

    /**
     * @param maxTickAge a tick older than this means the monitor stalled: nothing is approved on stale evidence
     * @param commands the commands of the daemon serving the dashboard (its config file and journal), so a
     *     command copied from the page acts on the same cluster and journal
     */
    public static Approval decide(FailoverMode mode, MonitorTick tick, Instant now, Duration maxTickAge,
            Long runningFailoverId, OperatorCommands commands) {
        String command = commands.promote(false);
        if (mode != FailoverMode.MANUAL) {
            return no("policy.failover is " + mode.label() + (mode == FailoverMode.AUTOMATIC
                    ? ": Vakt promotes by itself" : ": Vakt never promotes; use " + command + " by hand"), null, null);
        }
        if (tick == null) return no("the monitor has not observed the pair yet", null, null);
        String from = tick.roles().primary().name();
        String to = tick.roles().standby().name();
        Duration age = Duration.between(tick.at(), now);
        if (age.compareTo(maxTickAge) > 0) {
            return no("the monitor's last observation is " + age.toMillis() + " ms old: is vakt run stuck?", from, to);
        }
        if (tick.health() != PrimaryHealth.DOWN) {
            return no("the primary " + from + " is " + tick.health() + ", not DOWN", from, to);
        }
        if (runningFailoverId != null) return no("failover " + runningFailoverId + " is running", from, to);
        return new Approval(true, "the primary " + from + " is DOWN (the monitor and " + to
                + " both lost it); promoting " + to + " awaits approval", from, to, command, tick.lastHeartbeatWritten());
    }

    private static Approval no(String reason, String from, String to) {
        return new Approval(false, reason, from, to, null, null);
    }
}
