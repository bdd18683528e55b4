package no.vakt.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import no.vakt.config.VaktConfig;

/** The preflight as pure code: every rule over the observations, worst findings first. */
public final class Preflight {
    /**
     * In reading order: config, reachability, the live roles, each server, the channel, the data, the accounts.
     * Every rule judges the live primary and standby ({@link Observations}), not the config's role: fields.
     */
    public static final List<Rule> RULES = List.of(
            PlacementRules::jurisdictions,
            PlacementRules::backupRepository,
            BackupRules::tool,
            BackupRules::repository,
            BackupRules::age,
            BackupRules::archive,
            BackupRules::drilled,
            AccountRules::secrets,
            ServerRules::reachability,
            RoleRules::liveRoles,
            ServerRules::serverIds,
            ServerRules::binaryLog,
            ServerRules::binlogFormat,
            ServerRules::syncBinlog,
            ServerRules::innodbFlush,
            ServerRules::transactionalTables,
            ServerRules::readOnly,
            ServerRules::gtidStrictMode,
            ServerRules::skipNameResolve,
            WarmthRules::dumpAndLoad,
            WarmthRules::poolSize,
            WarmthRules::dumpPct,
            ReplicationRules::channel,
            ReplicationRules::primaryReplicates,
            ReplicationRules::errantTransactions,
            ReplicationRules::lag,
            ReplicationRules::tls,
            AdminTlsRules::adminTls,
            ReplicationRules::semiSync,
            ReplicationRules::canary,
            AccountRules::replicationUser,
            AccountRules::wildcardHosts,
            AccountRules::replicationUserOnStandby,
            ReadOnlyBypassRules::accounts,
            AdminPrivilegeRules::privileges,
            FilterRules::binlogFilters,
            FilterRules::replicationFilters,
            TrafficRules::access,
            TrafficRules::target,
            TrafficRules::ttl,
            DashboardRules::exposure,
            AlertRules::channels,
            FencingRules::fenceCommand,

            FileSyncRules::files);

    private Preflight() {}

    public static List<Finding> evaluate(VaktConfig config, Observations observations) {
        List<Finding> out = new ArrayList<>();
        for (Rule rule : RULES) out.addAll(rule.apply(config, observations));
        // Stable sort: errors first, and within a severity the reading order above.
        out.sort(Comparator.comparing(Finding::severity).reversed());
        return List.copyOf(out);
    }

    /** Ready means no errors; warnings are allowed. */
    public static boolean ready(List<Finding> findings) {
        return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
    }
}
