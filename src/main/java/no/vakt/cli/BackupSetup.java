package no.vakt.cli;

import java.time.Duration;
import no.vakt.backup.Repositories;
import no.vakt.backup.Repository;
import no.vakt.config.BackupConfig;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;

/** What the backup and restore commands share: the configured repository and both servers observed. */
final class BackupSetup {
    private BackupSetup() {}

    static BackupConfig section(VaktConfig cfg) {
        if (!cfg.backup().configured()) throw new UsageException("no backup: section in the config: add backup.repository first");
        return cfg.backup();
    }

    static Repository repository(VaktConfig cfg) {
        try {
            return Repositories.open(section(cfg), System.getenv());
        } catch (java.io.IOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static NodeInspector inspector(VaktConfig cfg) {
        return new NodeInspector(cfg.policy().checks().timeout().plus(Duration.ofSeconds(1)));
    }

    /** The config's primary then its standby, as they answer now. */
    static NodeState[] observe(VaktConfig cfg) {
        NodeInspector inspector = inspector(cfg);
        return new NodeState[] {inspector.inspect(cfg.primary()), inspector.inspect(cfg.standby())};
    }
}
