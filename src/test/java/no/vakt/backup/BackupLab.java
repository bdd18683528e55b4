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
        this(primaryHost, standbyHost, null);
    }

    /** @param section the backup: section's lines after {@code backup:}; null: a local repository in the pair's directory */
    BackupLab(String primaryHost, String standbyHost, String section) throws Exception {
        pair = TestPair.builder().hosts(primaryHost, standbyHost).start();
        repository = new LocalRepository(pair.dir.resolve("repo"));
        String lines = section != null ? section : "  repository: {path: " + repository.root() + ", country: NO}\n";
        pair.rewriteConfig(t -> t + "backup:\n" + lines + "  timeout: 60s\n");
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
