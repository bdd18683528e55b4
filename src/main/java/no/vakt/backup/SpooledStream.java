package no.vakt.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import no.vakt.config.Node;

/**
 * The continuous archive's moving part: a {@link BinlogStream} into a private spool directory, and a thread that
 * copies the spool up into the repository every {@link #UPLOAD_EVERY} ({@link SpoolUploader}), so a local
 * directory, an ssh host and an S3 bucket, encrypted or not, are archived the same way. The spool is the stream's
 * own: each start fetches again from its first file, so nothing in it outlives the stream.
 */
final class SpooledStream implements AutoCloseable {
    /** How often the spool goes up: the archive's lag is about this, and each pass is a PUT or two on S3. */
    static final Duration UPLOAD_EVERY = Duration.ofMillis(500);
    private static final Duration FINISH_UPLOAD = Duration.ofSeconds(60);

    private final BinlogStream stream;
    private final SpoolUploader uploader;
    private final Path spool;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile String uploadProblem = "";

    private SpooledStream(Repository repository, Node primary, String password, String firstFile, Duration deadline, Path spool) {
        this.spool = spool;
        this.uploader = new SpoolUploader(repository, primary.name(), spool);
        this.stream = BinlogStream.start(primary, password, firstFile, spool, deadline);
        this.thread = new Thread(this::uploadLoop, "vakt-binlog-upload-" + primary.name());
        thread.setDaemon(true);
        thread.start();
    }

    /** Streams {@code primary}'s binlogs from {@code firstFile} on, into the repository. */
    static SpooledStream start(Repository repository, Node primary, String password, String firstFile, Duration deadline) throws IOException {
        Path spool = Files.createTempDirectory("vakt-binlog-spool-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return new SpooledStream(repository, primary, password, firstFile, deadline, spool);
    }

    String node() {
        return stream.node();
    }

    /** How the stream ended; null while it runs. */
    BinlogStream.End end() {
        return stream.end();
    }

    long archivedBytes(String file) {
        return uploader.archivedBytes(file);
    }

    /** Why the last upload failed (the repository is unreachable, full...); empty once one succeeds. */
    String uploadProblem() {
        return uploadProblem;
    }

    private void uploadLoop() {
        try {
            while (!stop.await(UPLOAD_EVERY.toMillis(), TimeUnit.MILLISECONDS)) pass();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pass() {
        try {
            uploader.pass();
            uploadProblem = "";
        } catch (IOException | RuntimeException e) {
            uploadProblem = "uploading the spooled binlogs to the repository failed: " + e.getMessage();
        }
    }

    /** Stops the stream, then copies up what it had written, and removes the spool. */
    @Override
    public void close() {
        stream.close();
        stop.countDown();
        try {
            thread.join(FINISH_UPLOAD.toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(10_000);
            }
            if (!thread.isAlive()) pass();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                BaseBackup.deleteTree(spool);
            } catch (IOException e) {
                // a temp directory left behind: nothing depends on it
            }
        }
    }
}
