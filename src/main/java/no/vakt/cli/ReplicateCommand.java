package no.vakt.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import no.vakt.replication.BootstrapContext;
import no.vakt.replication.ReplicationBootstrap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "replicate", header = "Set up replication from the primary to the standby", mixinStandardHelpOptions = true,
        description = "Sets up replication from the primary to the standby: the replication account (limited to the"
                + " standby's address), Vakt's schema, a consistent copy of replication.databases (unless the standby"
                + " already holds the primary's history), CHANGE MASTER with GTID and TLS, read_only on the standby,"
                + " and semi-sync when configured. Safe to re-run: when all is in place it says so and changes nothing."
                + " Refuses, changing nothing, when the standby has data or GTIDs the primary lacks, or when the"
                + " primary purged the binary logs the standby still needs; --overwrite then copies it again.",
        footer = {"", "Exit codes: 0 done or nothing to do, 1 refused or failed, 2 bad config or usage."})
public final class ReplicateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--overwrite",
            description = "Wipe the standby's copies of the replicated databases (and vakt), its binary log and"
                    + " GTID history, and seed it again from the primary. Always, when given: for a standby with"
                    + " its own data or GTIDs, one that cannot catch up (the primary purged the binary logs it"
                    + " needs), or a copy you no longer trust.")
    boolean overwrite;

    @Option(names = "--forget-account-errant",
            description = "When the standby's errant transactions (GTIDs the primary lacks) only change accounts"
                    + " (CREATE USER, GRANT... as when Vakt's account was created there without sql_log_bin=0):"
                    + " RESET MASTER on the standby (its binary log and GTID history, not its data; the accounts"
                    + " stay), set gtid_slave_pos to the position its data is at, and go on. Refuses, changing"
                    + " nothing, when any errant transaction does more.")
    boolean forgetAccountErrant;

    @Mixin
    DryRunOption dryRun;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait for the replica threads to start (default: ${DEFAULT-VALUE}).")
    Duration waitOption;

    @Option(names = "--seed-timeout", paramLabel = "DURATION", defaultValue = "6h",
            description = "Upper bound for copying the databases (default: ${DEFAULT-VALUE}).")
    Duration seedTimeoutOption;

    @Override
    public Integer call() {
        VaktConfig cfg = config.load();
        Duration wait = DurationConverter.positive("--wait", waitOption);
        Duration seedTimeout = DurationConverter.positive("--seed-timeout", seedTimeoutOption);
        BootstrapContext.Limits defaults = BootstrapContext.Limits.DEFAULT;
        var limits = new BootstrapContext.Limits(wait, defaults.semiSyncClient(), seedTimeout, defaults.poll());
        var options = new ReplicationBootstrap.Options(overwrite, dryRun.on, limits,
                OperatorCommands.of(config.path(), null).replicate(), forgetAccountErrant);
        try {
            return new ReplicationBootstrap(Clock.systemUTC())
                    .run(cfg, options, config.out(), config.err());
        } catch (SecretRef.SecretUnavailableException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
