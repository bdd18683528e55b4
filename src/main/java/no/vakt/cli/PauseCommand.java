package no.vakt.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import no.vakt.config.Durations;
import no.vakt.maintenance.Actor;
import no.vakt.maintenance.Maintenance;
import no.vakt.maintenance.Pause;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vakt pause}: maintenance mode, no automatic failover for a while. */
@Command(name = "pause", header = "Hold automatic failover back for maintenance (expires by itself)", mixinStandardHelpOptions = true,
        description = {"Maintenance mode: no automatic failover until the pause ends (by itself after --for, or"
                + " with `vakt resume`). Detection and alerts go on: a DOWN primary alerts \"paused: no automatic"
                + " failover\", and `vakt promote` still works.",
            "",
            "Goes through the running `vakt run` (its API on server.listen, with the admin token) when it answers;"
                    + " otherwise writes the journal directly. Journaled with who and why. A new pause replaces the"
                    + " one in force."},
        footer = {"", "Exit codes: 0 paused, 1 failed, 2 bad config or usage."})
public final class PauseCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Option(names = "--for", paramLabel = "DURATION", description = "How long (default: 1h, at most 7d)")
    Duration length;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the journal, the alerts and the dashboard")
    String reason;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws InterruptedException {
        config.load(); // a bad config is the first thing said
        Duration d = length != null ? DurationConverter.positive("--for", length) : Maintenance.DEFAULT_LENGTH;
        if (d.compareTo(Maintenance.MAX_LENGTH) > 0) {
            throw new UsageException("--for: at most " + Durations.format(Maintenance.MAX_LENGTH) + "; pause again to extend");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("for", Durations.format(d));
        body.put("reason", reason);
        body.put("by", Actor.osUser().name());
        return MaintenanceRoute.act(config, clock, "pause", body,
                reply -> where -> "automatic failover paused until " + reply.path("maintenance").path("until").asText()
                        + " (" + where + ")",
                maintenance -> {
                    Pause p;
                    try {
                        p = maintenance.pause(d, reason, Actor.osUser());
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--" + e.getMessage());
                    }
                    return where -> "automatic failover paused " + p.describe() + " (" + where + ")";
                });
    }
}
