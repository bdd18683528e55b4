package no.vakt.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import no.vakt.alert.AlertSinks;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vakt alert test}: proves every configured alert channel delivers. */
@Command(name = "alert", header = "Test the alert channels", mixinStandardHelpOptions = true, description = "Alert channels (alerts: in vakt.yml).",
        subcommands = AlertCommand.Test.class)
public final class AlertCommand extends CommandGroup {
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Sends one INFO test alert to every channel (whatever its min-severity), waits for each"
                    + " answer and prints it. The test and its outcomes are journaled.",
            footer = {"", "Exit codes: 0 every channel delivered, 1 a channel failed or none is configured, 2 bad config."})
    static final class Test implements Callable<Integer> {
        @Mixin
        ConfigAndJournal config;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
                description = "How long to wait for all channels (default: ${DEFAULT-VALUE}).")
        String timeoutText;

        @Override
        public Integer call() {
            VaktConfig cfg = config.load();
            Duration timeout = DurationConverter.parse("--timeout", timeoutText);
            PrintWriter out = config.out();
            if (cfg.alerts().channels().isEmpty()) {
                out.println("No alert channels configured: add them under alerts: in " + config.path() + ".");
                return ExitCodes.FAILED;
            }
            Clock clock = Clock.systemUTC();
            List<AlertSinks.TestResult> results;
            try (Journal journal = new Journal(config.journal(), clock)) {
                results = AlertSinks.test(cfg, journal, clock, timeout);
            }
            for (AlertSinks.TestResult r : results) {
                out.printf("%-20s %-8s %-10s %s%s%n", r.channel(), r.type(), r.outcome(),
                        r.attempts() == 0 ? "" : r.attempts() + (r.attempts() == 1 ? " attempt" : " attempts"),
                        r.error() == null ? "" : "  " + r.error());
            }
            boolean all = results.stream().allMatch(r -> r.outcome().equals("delivered"));
            out.println(all ? "Every channel delivered." : "Some channels did not deliver: see above and vakt history.");
            return all ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
