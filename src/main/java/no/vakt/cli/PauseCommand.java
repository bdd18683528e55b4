package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import no.vakt.config.Durations;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import no.vakt.maintenance.Actor;
import no.vakt.maintenance.Maintenance;
import no.vakt.maintenance.Pause;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
    ConfigOption config;

    @Option(names = "--for", paramLabel = "DURATION", description = "How long (default: 1h, at most 7d)")
    Duration length;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the journal, the alerts and the dashboard")
    String reason;

    @Option(names = "--journal", paramLabel = "FILE",
            description = "The journal when no daemon answers (default: .vakt/journal.db next to the config)")
    Path journalFile;

    @Spec
    CommandSpec spec;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws InterruptedException {
        VaktConfig cfg = config.load();
        Duration d = length != null ? DurationConverter.positive("--for", length) : Maintenance.DEFAULT_LENGTH;
        if (d.compareTo(Maintenance.MAX_LENGTH) > 0) {
            throw new UsageException("--for: at most " + Durations.format(Maintenance.MAX_LENGTH) + "; pause again to extend");
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("for", Durations.format(d));
        body.put("reason", reason);
        body.put("by", Actor.osUser().name());
        MaintenanceRoute.Route route = MaintenanceRoute.call(cfg, "api/pause", body);
        if (route instanceof MaintenanceRoute.Api api) {
            if (api.refused("pause", spec.commandLine().getErr())) return ExitCodes.FAILED;
            var m = api.reply().body().path("maintenance");
            out.println("automatic failover paused until " + m.path("until").asText() + " (through vakt run at "
                    + api.url() + ")");
            return ExitCodes.OK;
        }
        String why = ((MaintenanceRoute.Direct) route).why();
        Path file = MaintenanceRoute.journal(config, journalFile);
        Pause p;
        try (Journal journal = new Journal(file, clock)) {
            p = new Maintenance(journal, cfg.cluster(), clock).pause(d, reason, Actor.osUser());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
        out.println("automatic failover paused " + p.describe() + " (written to the journal " + file + ": " + why + ")");
        return ExitCodes.OK;
    }
}
