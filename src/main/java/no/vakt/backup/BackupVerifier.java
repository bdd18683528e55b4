package no.vakt.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code vakt backup verify}: one read of the stored file, checksummed as it unpacks into a scratch copy, then a
 * prepare on that copy, which reads every page InnoDB needs.
 */
public final class BackupVerifier {
    private final Repository repository;
    private final Duration timeout;

    public BackupVerifier(Repository repository, Duration timeout) {
        this.repository = repository;
        this.timeout = timeout;
    }

    /** Throws with what is wrong; returns when the backup can be restored. The scratch copy is removed. */
    public void verify(Manifest m, Path scratchParent) throws IOException, InterruptedException, BackupFailedException {
        Path scratch = Files.createTempDirectory(scratchParent, "vakt-verify-");
        try {
            new Unpacker(repository, timeout).unpackPrepared(m, scratch.resolve("data"));
        } finally {
            BaseBackup.deleteTree(scratch);
        }
    }
}
