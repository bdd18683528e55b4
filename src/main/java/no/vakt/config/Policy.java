package no.vakt.config;

import java.time.Duration;
import java.util.List;

/**
 * Failover policy. The default mode is {@code manual}: an unattended promotion is something an
 * operator opts into, not something a forgotten key turns on.
 *
 * <p>{@code fenceCommand} is an optional program and its arguments (no shell) run by the failover's
 * fence step (STONITH, a firewall rule, a cloud API call); {@code {node}}, {@code {host}},
 * {@code {port}}, {@code {cluster}} and {@code {epoch}} in an argument are replaced.
 */
public record Policy(
        FailoverMode failover,
        Checks checks,
        Duration cooldown,
        Duration maxApplyWait,
        List<String> jurisdictions,
        List<String> fenceCommand,
        Duration fenceCommandTimeout,
        Duration maxTtl) {
    public static final Policy DEFAULT = new Policy(null, null, null, null, null, null, null, null);

    public Policy {
        failover = failover != null ? failover : FailoverMode.MANUAL;
        checks = checks != null ? checks : Checks.DEFAULT;
        cooldown = cooldown != null ? cooldown : Duration.ofHours(1);
        maxApplyWait = maxApplyWait != null ? maxApplyWait : Duration.ofSeconds(30);
        jurisdictions = jurisdictions != null ? List.copyOf(jurisdictions) : Jurisdictions.DEFAULT;
        fenceCommand = fenceCommand != null ? List.copyOf(fenceCommand) : List.of();
        fenceCommandTimeout = fenceCommandTimeout != null ? fenceCommandTimeout : Duration.ofSeconds(30);
        // The largest DNS TTL `vakt check` accepts, for every traffic entry without its own max-ttl.
        maxTtl = maxTtl != null ? maxTtl : Duration.ofSeconds(60);
    }
}
