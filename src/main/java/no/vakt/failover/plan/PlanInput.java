package no.vakt.failover.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import no.vakt.cluster.GtidPosition;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.FailoverMode;
import no.vakt.failover.detect.PrimaryHealth;

/**
 * Everything the planner decides on. Build it with {@link #builder()}.
 *
 * @param oldPrimaryReachable the old primary answered the latest probe (so SQL fencing can work)
 * @param oldPrimaryBinlogPos the old primary's {@code gtid_binlog_pos} when known
 * @param primaryLastHeartbeat the newest heartbeat time stamp written on the old primary, when known
 *     (the monitor knows what it wrote); empty makes the loss estimate assume the worst
 * @param lastFailoverEnd the end of the last failover that changed the roles ({@link no.vakt.journal.Journal#lastFailoverEnd}), for the cooldown
 * @param failoverRunning a failover is running, or a crashed one still awaits recovery
 * @param commands how the approve command is written (with the process's {@code --config}); never null
 */
public record PlanInput(
        String cluster,
        String oldPrimary,
        FailoverMode mode,
        Trigger trigger,
        Instant now,
        Optional<Instant> lastFailoverEnd,
        Duration cooldown,
        Duration maxApplyWait,
        PrimaryHealth primaryHealth,
        boolean oldPrimaryReachable,
        Optional<GtidPosition> oldPrimaryBinlogPos,
        Optional<Instant> primaryLastHeartbeat,
        StandbySnapshot standby,
        Duration rpo,
        long currentEpoch,
        boolean failoverRunning,
        OperatorCommands commands) {

    public PlanInput {
        Objects.requireNonNull(oldPrimary, "oldPrimary");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(maxApplyWait, "maxApplyWait");
        Objects.requireNonNull(primaryHealth, "primaryHealth");
        Objects.requireNonNull(standby, "standby");
        Objects.requireNonNull(rpo, "rpo");
        lastFailoverEnd = lastFailoverEnd != null ? lastFailoverEnd : Optional.empty();
        oldPrimaryBinlogPos = oldPrimaryBinlogPos != null ? oldPrimaryBinlogPos : Optional.empty();
        primaryLastHeartbeat = primaryLastHeartbeat != null ? primaryLastHeartbeat : Optional.empty();
        if (currentEpoch < 0) throw new IllegalArgumentException("epochs are never negative");
        commands = commands != null ? commands : OperatorCommands.NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.cluster = cluster;
        b.oldPrimary = oldPrimary;
        b.mode = mode;
        b.trigger = trigger;
        b.now = now;
        b.lastFailoverEnd = lastFailoverEnd;
        b.cooldown = cooldown;
        b.maxApplyWait = maxApplyWait;
        b.primaryHealth = primaryHealth;
        b.oldPrimaryReachable = oldPrimaryReachable;
        b.oldPrimaryBinlogPos = oldPrimaryBinlogPos;
        b.primaryLastHeartbeat = primaryLastHeartbeat;
        b.standby = standby;
        b.rpo = rpo;
        b.currentEpoch = currentEpoch;
        b.failoverRunning = failoverRunning;
        b.commands = commands;
        return b;
    }

    /** Fluent construction; cooldown, max-apply-wait and RPO default to the config defaults. */
    public static final class Builder {
        private String cluster;
        private String oldPrimary;
        private FailoverMode mode = FailoverMode.MANUAL;
        private Trigger trigger = Trigger.automatic();
        private Instant now;
        private Optional<Instant> lastFailoverEnd = Optional.empty();
        private Duration cooldown = Duration.ofHours(1);
        private Duration maxApplyWait = Duration.ofSeconds(30);
        private PrimaryHealth primaryHealth = PrimaryHealth.UNKNOWN;
        private boolean oldPrimaryReachable;
        private Optional<GtidPosition> oldPrimaryBinlogPos = Optional.empty();
        private Optional<Instant> primaryLastHeartbeat = Optional.empty();
        private StandbySnapshot standby;
        private Duration rpo = Duration.ofSeconds(1);
        private long currentEpoch;
        private boolean failoverRunning;
        private OperatorCommands commands = OperatorCommands.NONE;

        private Builder() {}

        public Builder cluster(String v) { cluster = v; return this; }
        public Builder oldPrimary(String v) { oldPrimary = v; return this; }
        public Builder mode(FailoverMode v) { mode = v; return this; }
        public Builder trigger(Trigger v) { trigger = v; return this; }
        public Builder now(Instant v) { now = v; return this; }
        public Builder lastFailoverEnd(Instant v) { lastFailoverEnd = Optional.ofNullable(v); return this; }
        public Builder cooldown(Duration v) { cooldown = v; return this; }
        public Builder maxApplyWait(Duration v) { maxApplyWait = v; return this; }
        public Builder primaryHealth(PrimaryHealth v) { primaryHealth = v; return this; }
        public Builder oldPrimaryReachable(boolean v) { oldPrimaryReachable = v; return this; }
        public Builder oldPrimaryBinlogPos(GtidPosition v) { oldPrimaryBinlogPos = Optional.ofNullable(v); return this; }
        public Builder primaryLastHeartbeat(Instant v) { primaryLastHeartbeat = Optional.ofNullable(v); return this; }
        public Builder standby(StandbySnapshot v) { standby = v; return this; }
        public Builder rpo(Duration v) { rpo = v; return this; }
        public Builder currentEpoch(long v) { currentEpoch = v; return this; }
        public Builder failoverRunning(boolean v) { failoverRunning = v; return this; }
        public Builder commands(OperatorCommands v) { commands = v; return this; }

        public PlanInput build() {
            return new PlanInput(cluster, oldPrimary, mode, trigger, now, lastFailoverEnd, cooldown, maxApplyWait,
                    primaryHealth, oldPrimaryReachable, oldPrimaryBinlogPos, primaryLastHeartbeat, standby, rpo,
                    currentEpoch, failoverRunning, commands);
        }
    }
}
