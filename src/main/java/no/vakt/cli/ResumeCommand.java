package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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

/** {@code vakt resume}: ends maintenance mode before its time. */
@Command(name = "resume", header = "End a maintenance pause: automatic failover again", mixinStandardHelpOptions = true,
        description = {"Ends a `vakt pause` before it runs out: automatic failover is on again.",
            "",
            "Goes through the running `vakt run` (its API, with the admin token) when it answers; otherwise writes"
                    + " the journal directly. Journaled with who. Nothing to do when not paused."},
        footer = {"", "Exit codes: 0 resumed or not paused, 1 failed, 2 bad config or usage."})
public final class ResumeCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--journal", paramLabel = "FILE",
            description = "The journal when no daemon answers (default: .vakt/journal.db next to the config)")
    Path journalFile;

    @Spec
    CommandSpec spec;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws InterruptedException {
        VaktConfig cfg = config.load();
        PrintWriter out = spec.commandLine().getOut();
        MaintenanceRoute.Route route = MaintenanceRoute.call(cfg, "api/resume", Map.of("by", Actor.osUser().name()));
        if (route instanceof MaintenanceRoute.Api api) {
            if (api.refused("resume", spec.commandLine().getErr())) return ExitCodes.FAILED;
            out.println(api.reply().body().path("resumed").asBoolean()
                    ? "automatic failover resumed (through vakt run at " + api.url() + ")"
                    : "not paused: nothing to resume");
            return ExitCodes.OK;
        }
        String why = ((MaintenanceRoute.Direct) route).why();
        Path file = MaintenanceRoute.journal(config, journalFile);
        Optional<Pause> ended;
        try (Journal journal = new Journal(file, clock)) {
            ended = new Maintenance(journal, cfg.cluster(), clock).resume(Actor.osUser());
        }
        out.println(ended.isPresent()
                ? "automatic failover resumed (written to the journal " + file + ": " + why + ")"
                : "not paused: nothing to resume");
        return ExitCodes.OK;
    }
}
