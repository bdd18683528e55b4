package no.vakt.cli;

import no.vakt.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code vakt} command line. */
@Command(
        name = "vakt",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Disaster recovery for MySQL/MariaDB web stacks: replicate, watch, fail over, prove it.",
        subcommands = {
            InitCommand.class,
            ConfigCommand.class,
            CheckCommand.class,
            StatusCommand.class,
            ReplicateCommand.class,
            HeartbeatCommand.class,
            RunCommand.class,
            PromoteCommand.class,
            LabCommand.class,
            DemoCommand.class,
            SwitchoverCommand.class,
            RejoinCommand.class,
            HistoryCommand.class,
            TrafficCommand.class,
            DrillCommand.class,
            AlertCommand.class,
            SyncCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            PauseCommand.class,
            ResumeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Global (any subcommand takes it too): see {@link Logging}. */
    @CommandLine.Option(names = "--log-format", paramLabel = "FORMAT", scope = CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:VAKT_LOG_FORMAT:-text}",
            description = "Logs as text or json, one dated event a line (default: $VAKT_LOG_FORMAT, else text)")
    void logFormat(Logging.Format format) {
        Logging.configure(format);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(java.time.Duration.class, new DurationConverter());
        return cl;
    }

    /** Known failures print one clear message, never a stack trace (set VAKT_DEBUG=1 for one). */
    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (System.getenv("VAKT_DEBUG") != null) e.printStackTrace(cl.getErr());
        if (e instanceof ConfigException ce) {
            ce.problems().forEach(p -> cl.getErr().println(p));
            return ExitCodes.USAGE;
        }
        if (e instanceof UsageException) {
            cl.getErr().println("vakt: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        cl.getErr().println("vakt: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        return ExitCodes.FAILED;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
