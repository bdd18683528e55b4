package no.vakt.server;

import java.time.Instant;
import no.vakt.failover.detect.MonitorTick;

/**
 * One point of the lag history: what a monitor tick saw.
 *
 * @param lagMs the standby's heartbeat lag, null when unknown (standby unreachable, no heartbeat yet)
 * @param primaryUp the monitor's probe of the primary answered
 * @param standbyUp the monitor reached the standby
 * @param ioThread / sqlThread the standby's replica threads ("Yes", "No", "Connecting"), null without a channel
 */
public record LagSample(Instant at, Long lagMs, String health, String primary, String standby, boolean primaryUp,
        boolean standbyUp, String ioThread, String sqlThread) {

    public static LagSample of(MonitorTick tick) {
        var replica = tick.standby().replica();
        return new LagSample(tick.at(), tick.lagMs(), tick.health().name(), tick.roles().primary().name(),
                tick.roles().standby().name(), tick.primary().ok(), tick.standby().reachable(),
                replica.map(r -> r.ioRunning()).orElse(null), replica.map(r -> r.sqlRunning()).orElse(null));
    }
}
