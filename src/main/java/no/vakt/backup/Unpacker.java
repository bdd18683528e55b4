package no.vakt.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;

/**
 * Turns a stored base backup back into a data directory: checksums first, then the stream
 * decompressed, {@code mbstream -x}, and {@code mariadb-backup --prepare} (the redo log applied), so
 * mariadbd can start on it.
 */
final class Unpacker {
    private final Repository repository;
    private final Duration timeout;

    Unpacker(Repository repository, Duration timeout) {
        this.repository = repository;
        this.timeout = timeout;
    }

    /** Every stored file has its recorded size and SHA-256. */
    void checkSums(Manifest m) throws IOException, BackupFailedException {
        for (Manifest.StoredFile f : m.files()) {
            if (!repository.exists(f.key())) throw new BackupFailedException(f.key() + " is missing from " + repository.describe());
            String sum = StoredStream.checksum(repository, f.key());
            if (repository.size(f.key()) != f.bytes() || !sum.equals(f.sha256())) {
                throw new BackupFailedException(f.key() + " does not match its manifest: SHA-256 " + sum + ", recorded " + f.sha256());
            }
        }
    }

    /** Checks, unpacks and prepares backup {@code m} into {@code dataDir} (created; must not exist). */
    void unpackPrepared(Manifest m, Path dataDir) throws IOException, InterruptedException, BackupFailedException {
        checkSums(m);
        Files.createDirectories(dataDir);
        Path stream = Files.createTempFile(dataDir.getParent(), "vakt-stream-", ".xb");
        try {
            Manifest.StoredFile f = m.files().get(0);
            String plain = StoredStream.fetch(repository, f, m.compression(), stream);
            if (f.plainSha256() != null && !plain.equals(f.plainSha256())) {
                throw new BackupFailedException(f.key() + " unpacks to other bytes than recorded: SHA-256 " + plain
                        + ", recorded " + f.plainSha256());
            }
            Tools.run("mbstream -x", BoundedProcess.Request.of(
                    List.of(Programs.require("mbstream", ToolVersion.PACKAGE), "-x", "-C", dataDir.toString()), timeout)
                    .readingFrom(stream));
        } finally {
            Files.deleteIfExists(stream);
        }
        Tools.run("mariadb-backup --prepare", BoundedProcess.Request.of(List.of(
                Programs.require(ToolVersion.PROGRAM, ToolVersion.PACKAGE), "--prepare", "--target-dir=" + dataDir), timeout));
    }
}
