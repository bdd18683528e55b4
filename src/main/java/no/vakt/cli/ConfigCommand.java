package no.vakt.cli;

import java.util.concurrent.Callable;
import no.vakt.config.VaktConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "config", header = "Validate the config file", description = "Work with the config file.",
        subcommands = ConfigCommand.Validate.class, mixinStandardHelpOptions = true)
public final class ConfigCommand extends CommandGroup {
    @Command(name = "validate", description = "Parse and validate the config only; touch no server.",
            mixinStandardHelpOptions = true)
    static final class Validate implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            VaktConfig c = config.load();
            config.out().printf("%s: valid (cluster %s, primary %s, standby %s)%n",
                    config.path(), c.cluster(), c.primary().name(), c.standby().name());
            return ExitCodes.OK;
        }
    }
}
