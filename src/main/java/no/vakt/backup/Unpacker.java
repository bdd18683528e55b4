package no.vakt.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;

/**
 * Turns a stored base backup back into a data directory: the stream decompressed into {@code mbstream -x}
 * as it is read, its checksums, and {@code mariadb-backup --prepare} (the redo log applied), so mariadbd can
 * start on it. Nothing is staged on the local disk but the data directory itself.
 */
final class Unpacker {
    private final Repository repository;
    private final Duration timeout;

    Unpacker(Repository repository, Duration timeout) {
        this.repository = repository;
        this.timeout = timeout;
    }

    /**
     * Unpacks and prepares backup {@code m} into {@code dataDir} (created; must not exist). The stored file is read
     * once: into {@code mbstream -x} and through both checksums, which are judged before the prepare.
     */
    void unpackPrepared(Manifest m, Path dataDir) throws IOException, InterruptedException, BackupFailedException {
        Manifest.StoredFile f = m.files().get(0);
        if (!repository.exists(f.key())) throw new BackupFailedException(f.key() + " is missing from " + repository.describe());
        Files.createDirectories(dataDir);
        BoundedProcess.Request extract = BoundedProcess.Request.of(
                List.of(Programs.require("mbstream", ToolVersion.PACKAGE), "-x", "-C", dataDir.toString()), timeout).pipingStdin();
        try (BoundedProcess.Running mbstream = BoundedProcess.start(extract)) {
            StoredStream.Fetched got;
            try {
                got = StoredStream.fetch(repository, f, m.compression(), mbstream.stdin());
            } catch (IOException e) {
                // Changed bytes fail the decoder, a failed mbstream breaks the pipe: name the cause, not the symptom.
                String sum;
                try {
                    sum = StoredStream.checksum(repository, f.key());
                } catch (IOException again) {
                    e.addSuppressed(again);
                    throw e;
                }
                checkSum(f, sum);
                Tools.check("mbstream -x", extract, mbstream.finish());
                throw e;
            }
            checkSum(f, got.storedSha256());
            if (f.plainSha256() != null && !got.plainSha256().equals(f.plainSha256())) {
                throw new BackupFailedException(f.key() + " unpacks to other bytes than recorded: SHA-256 " + got.plainSha256()
                        + ", recorded " + f.plainSha256());
            }
            Tools.check("mbstream -x", extract, mbstream.finish());
        }
        Tools.run("mariadb-backup --prepare", BoundedProcess.Request.of(List.of(
                Programs.require(ToolVersion.PROGRAM, ToolVersion.PACKAGE), "--prepare", "--target-dir=" + dataDir), timeout));
    }

    private static void checkSum(Manifest.StoredFile f, String sum) throws BackupFailedException {
        if (!sum.equals(f.sha256())) {
            throw new BackupFailedException(f.key() + " does not match its manifest: SHA-256 " + sum + ", recorded " + f.sha256());
        }
    }
}
