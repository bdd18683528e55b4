package no.vakt.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.backup.RepositoryProbe;
import no.vakt.backup.ToolVersion;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;

/**
 * With a backup: section, the tool that takes the backups must be here and be each server's version, and the
 * repository must take a file.
 */
final class BackupRules {
    private BackupRules() {}

    static List<Finding> repository(VaktConfig config, Observations o) {
        if (!config.backup().configured() || o == null || o.backupRepository() == null) return List.of();
        RepositoryProbe.Result r = o.backupRepository();
        if (r.ok()) return List.of(Finding.ok("backup-repository", "backup repository", r.where() + " is reachable and writable"));
        return List.of(Finding.error("backup-repository", "backup repository", "cannot write a file into " + r.where() + ": " + r.problem(),
                "check backup.repository (host, path, bucket, credentials) and backup.encryption, then vakt check again"));
    }

    static List<Finding> tool(VaktConfig config, Observations o) {
        if (!config.backup().configured() || o == null || o.backupTool() == null) return List.of();
        List<Finding> out = new ArrayList<>();
        for (NodeState s : o.nodes().filter(NodeState::reachable).toList()) {
            ToolVersion.Verdict v = ToolVersion.judge(o.backupTool(), s.version());
            Optional<String> problem = ToolVersion.problem(v);
            out.add(problem.isEmpty()
                    ? Finding.ok("backup-tool", s.node().name(), ToolVersion.PROGRAM + " " + ((ToolVersion.Matches) v).version()
                            + " matches the server")
                    : Finding.error("backup-tool", s.node().name(), problem.get(),
                            "apt-get install " + ToolVersion.PACKAGE + " (the server's version) on the host that runs vakt backup"));
        }
        return out;
    }
}
