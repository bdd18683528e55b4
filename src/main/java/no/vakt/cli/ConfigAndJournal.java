package no.vakt.cli;

import java.nio.file.Path;
import java.time.Clock;
import no.vakt.alert.AlertDispatcher;
import no.vakt.alert.AlertSinks;
import no.vakt.cluster.VaktFiles;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import picocli.CommandLine.Option;

/**
 * {@link ConfigOption} and {@code --journal FILE}: the one declaration (and help text) of the journal option
 * for every command that reads or writes the journal, and the opening those commands share.
 */
public final class ConfigAndJournal extends ConfigOption {
    @Option(names = "--journal", paramLabel = "FILE", description = "Journal file (default: .vakt/journal.db next to the config).")
    Path explicitJournal;

    /** {@code --journal FILE} when given, else {@code .vakt/journal.db} in the config file's directory. */
    Path journal() {
        return VaktFiles.journal(path(), explicitJournal);
    }

    /** What a command does with the config, the journal and the configured alert channels; returns its exit code. */
    interface Work {
        int run(VaktConfig cfg, Journal journal, AlertDispatcher alerts) throws Exception;
    }

    /**
     * Loads the config, opens the journal and the configured alert channels, and runs {@code work}. They close in
     * reverse: queued alerts are delivered (bounded) before the journal closes.
     */
    int withAlerts(Clock clock, Work work) throws Exception {
        VaktConfig cfg = load();
        try (Journal journal = new Journal(journal(), clock);
                AlertDispatcher alerts = AlertSinks.fromConfig(cfg, journal, clock)) {
            return work.run(cfg, journal, alerts);
        }
    }
}
