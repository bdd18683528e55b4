package no.vakt.cli;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import no.vakt.maintenance.Actor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vakt resume}: ends maintenance mode before its time. */
@Command(name = "resume", header = "End a maintenance pause: automatic failover again", mixinStandardHelpOptions = true,
        description = {"Ends a `vakt pause` before it runs out: automatic failover is on again.",
            "",
            "Goes through the running `vakt run` (its API, with the admin token) when it answers; otherwise writes"
                    + " the journal directly. Journaled with who. Nothing to do when not paused."},
        footer = {"", "Exit codes: 0 resumed or not paused, 1 failed, 2 bad config or usage."})
public final class ResumeCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws InterruptedException {
        return MaintenanceRoute.act(config, clock, "resume", Map.of("by", Actor.osUser().name()),
                reply -> line(reply.path("resumed").asBoolean()),
                maintenance -> line(maintenance.resume(Actor.osUser()).isPresent()));
    }

    private static MaintenanceRoute.Done line(boolean resumed) {
        return where -> resumed ? "automatic failover resumed (" + where + ")" : "not paused: nothing to resume";
    }
}
