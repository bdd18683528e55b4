package no.vakt.cli;

import java.nio.file.Path;
import no.vakt.config.ConfigLoader;
import no.vakt.config.ConfigLocator;
import no.vakt.config.VaktConfig;
import picocli.CommandLine.Option;

/** {@code --config FILE}, else $VAKT_CONFIG, else ./vakt.yml, else /etc/vakt/vakt.yml. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: $VAKT_CONFIG, ./vakt.yml, /etc/vakt/vakt.yml)")
    Path explicit;

    private VaktConfig loaded;

    public Path path() {
        return ConfigLocator.locate(explicit, System.getenv(), Path.of("").toAbsolutePath());
    }

    /** Loads and validates once; a bad file throws {@link no.vakt.config.ConfigException}. */
    public VaktConfig load() {
        if (loaded == null) loaded = ConfigLoader.load(path());
        return loaded;
    }
}
