package no.vakt.backup;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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

    /** How long the repository's shared ssh connection outlives its last call: the archive calls every 500 ms. */
    static final Duration SSH_PERSIST = Duration.ofSeconds(10);

    static SshTarget sshTarget(BackupConfig.Repository r) throws IOException {
        SshSettings settings = new SshSettings(r.user(), r.identityFile(), r.port(), r.knownHostsFile(), null);
        Path control = controlDir();
        return new SshTarget("backup repository", r.user(), r.host(), settings, control, control == null ? null : SSH_PERSIST);
    }

    /**
     * The user's own directory for the shared connections' sockets, {@code /tmp/vakt-ssh-USER} (short: a socket path
     * is limited to 107 bytes), shared by this user's Vakt processes. Null, so no sharing, when someone else made it
     * or it is not owner-only: a socket there could be another user's.
     */
    private static Path controlDir() throws IOException {
        String user = System.getProperty("user.name");
        Path dir = Path.of("/tmp", "vakt-ssh-" + user.replaceAll("[^A-Za-z0-9_.-]", "_"));
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // made before: checked below
        }
        boolean ours = Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                && Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(user)
                && Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(PosixFilePermissions.fromString("rwx------"));
        return ours ? dir : null;
    }
}
