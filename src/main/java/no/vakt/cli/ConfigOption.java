package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import no.vakt.config.ConfigLoader;
import no.vakt.config.ConfigLocator;
import no.vakt.config.VaktConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --config FILE}, else $VAKT_CONFIG, else ./vakt.yml, else /etc/vakt/vakt.yml; with the terminal of the
 * command that mixes it in, which is all most commands need besides their own options. Commands that keep
 * a journal mix in {@link ConfigAndJournal} instead.
 */
public class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: $VAKT_CONFIG, ./vakt.yml, /etc/vakt/vakt.yml)")
    Path explicit;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    private VaktConfig loaded;

    public Path path() {
        return ConfigLocator.locate(explicit, System.getenv(), Path.of("").toAbsolutePath());
    }

    /** Loads and validates once; a bad file throws {@link no.vakt.config.ConfigException}. */
    public VaktConfig load() {
        if (loaded == null) loaded = ConfigLoader.load(path());
        return loaded;
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }
}
