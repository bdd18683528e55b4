package no.vakt.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import no.vakt.config.BackupConfig;
import no.vakt.config.SshSettings;
import no.vakt.filesync.SshTarget;

/** The configured repository: local, ssh or s3, encrypted when {@code backup.encryption} says so. */
public final class Repositories {
    private Repositories() {}

    /** @param env the environment (S3 credentials may come from it) */
    public static Repository open(BackupConfig backup, Map<String, String> env) throws IOException {
        Repository stored = stored(backup, env);
        if (backup.encryption() == null) return stored;
        return new SealedRepository(stored, OpenPgpSealing.fromFile(backup.encryption().passphraseFile()));
    }

    private static Repository stored(BackupConfig backup, Map<String, String> env) throws IOException {
        BackupConfig.Repository r = backup.repository();
        return switch (r.type()) {
            case LOCAL -> new LocalRepository(r.path());
            case SSH -> new SshRepository(sshTarget(r), r.path().toString(), backup.timeout());
            case S3 -> S3Clients.repository(r, env);
        };
    }

    static SshTarget sshTarget(BackupConfig.Repository r) {
        SshSettings settings = new SshSettings(r.user(), r.identityFile(), r.port(), r.knownHostsFile(), null);
        return new SshTarget("backup repository", r.user(), r.host(), settings, (Path) null);
    }
}
