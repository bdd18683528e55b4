package no.vakt.backup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import no.vakt.config.BackupConfig;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.testing.TestPair;

/** A real pair (nothing replicating) and a local repository: what the backup tests share. */
final class BackupLab implements AutoCloseable {
    final TestPair pair;
    final VaktConfig config;
    final LocalRepository repository;
    final BackupConfig backup;

    BackupLab(String primaryHost, String standbyHost) throws Exception {
        pair = TestPair.builder().hosts(primaryHost, standbyHost).start();
        repository = new LocalRepository(pair.dir.resolve("repo"));
        pair.rewriteConfig(t -> t + "backup:\n  repository: {path: " + repository.root() + ", country: NO}\n  timeout: 60s\n");
        config = pair.config();
        backup = config.backup();
    }

    BackupSource.Choice source() {
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(5));
        return BackupSource.choose(inspector.inspect(config.primary()), inspector.inspect(config.standby())).orElseThrow();
    }

    Manifest take() throws Exception {
        BackupSource.Choice c = source();
        return new BaseBackup(backup, repository, Clock.systemUTC()).take(c, c.state().node().mysql().secret().resolve());
    }

    Path scratch() {
        return pair.dir;
    }

    @Override
    public void close() throws Exception {
        pair.close();
    }
}
