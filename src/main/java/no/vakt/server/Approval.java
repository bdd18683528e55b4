package no.vakt.server;

import java.time.Duration;
import java.time.Instant;
import no.vakt.config.FailoverMode;
import no.vakt.detect.MonitorTick;
import no.vakt.detect.PrimaryHealth;

/**
 * Whether a failover awaits an operator's approval right now, and why (not). Pure: made from the
 * monitor's latest tick. It awaits approval only in manual mode, while the monitor currently says the
 * live primary is DOWN (both witnesses agree) and no failover runs: exactly when the monitor has
 * alerted "approve with: vakt promote --confirm".
 *
 * @param from / to the nodes the promotion would move the primary from and to (null when unknown)
 * @param primaryLastHeartbeat when the monitor last wrote the heartbeat on {@code from}: the promotion
 *     measures its data loss from it instead of assuming the dead primary wrote until the approval
 */
public record Approval(boolean awaiting, String reason, String from, String to, String command,
        Instant primaryLastHeartbeat) {
    public static final String COMMAND = "vakt promote --confirm";

    /**
     * @param maxTickAge a tick older than this means the monitor stalled: nothing is approved on stale evidence
     */
    public static Approval decide(FailoverMode mode, MonitorTick tick, Instant now, Duration maxTickAge,
            Long runningFailoverId) {
        if (mode != FailoverMode.MANUAL) {
            return no("policy.failover is " + mode.label() + (mode == FailoverMode.AUTOMATIC
                    ? ": Vakt promotes by itself" : ": Vakt never promotes; use " + COMMAND + " by hand"), null, null);
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
                + " both lost it); promoting " + to + " awaits approval", from, to, COMMAND, tick.lastHeartbeatWritten());
    }

    private static Approval no(String reason, String from, String to) {
        return new Approval(false, reason, from, to, null, null);
    }
}
