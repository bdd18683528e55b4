package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import no.vakt.config.BackupConfig;
import no.vakt.testing.Cli;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A base backup of a real server: taken, listed, verified by a prepare, and caught when a byte changes. */
class BaseBackupTest {
    private static BackupLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = new BackupLab("127.0.190.1", "127.0.190.2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) lab.close();
    }

    @Test
    void fromThePrimaryWhileTheStandbyDoesNotReplicateVerifiedCorruptionCaughtRemovedThenFromTheStandby() throws Exception {
        TestPair.sql(lab.pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                "INSERT INTO shop.orders VALUES (1, 'apple'), (2, 'pear')");

        Manifest m = lab.take();

        assertThat(m.node()).isEqualTo("oslo-db");
        assertThat(m.sourceRole()).isEqualTo("primary");
        assertThat(m.note()).contains("standby bergen-db", "not replicating");
        assertThat(m.gtidEnd()).as("the server's position after the three statements").isEqualTo("0-1-3");
        assertThat(m.serverVersion()).startsWith("10.");
        assertThat(m.compression()).isEqualTo("zstd");
        assertThat(m.files()).singleElement().satisfies(f -> {
            assertThat(f.key()).endsWith("/backup.xb.zst");
            assertThat(f.sha256()).hasSize(64);
            assertThat(f.bytes()).isPositive().isLessThan(m.streamBytes());
        });
        assertThat(Manifest.all(lab.repository)).extracting(Manifest::id).containsExactly(m.id());

        new BackupVerifier(lab.repository, lab.backup.timeout()).verify(m, lab.scratch());

        try (RandomAccessFile f = new RandomAccessFile(lab.repository.file(m.files().get(0).key()).toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xff);
        }
        assertThatThrownBy(() -> new BackupVerifier(lab.repository, lab.backup.timeout()).verify(m, lab.scratch()))
                .isInstanceOf(BackupFailedException.class).hasMessageContaining("does not match its manifest");

        m.delete(lab.repository);
        assertThat(Manifest.all(lab.repository)).isEmpty();
        assertThat(lab.repository.root().resolve("base")).isEmptyDirectory();

        Cli replicate = Cli.run("replicate", "-c", lab.pair.configFile.toString());
        assertThat(replicate.exitCode()).as(replicate.out() + replicate.err()).isZero();
        TestPair.sql(lab.pair.primary, "INSERT INTO shop.orders VALUES (3, 'plum')");
        // Uncompressed, so the first stored bytes leave as soon as mariadb-backup writes them.
        Watched watched = new Watched(lab.repository, false);
        BackupSource.Choice standby = lab.source();
        Manifest fromStandby = new BaseBackup(new BackupConfig(null, null, null, BackupConfig.Compression.NONE, lab.backup.timeout()),
                watched, Clock.systemUTC()).take(standby, standby.state().node().mysql().secret().resolve());
        assertThat(watched.toolAtFirstByte).as("mariadb-backup still running when the stream reached the repository").isNotNull();
        assertThat(fromStandby.streamBytes()).as("a stream worth staging").isGreaterThan(4 * WORK_FILE_LIMIT)
                .as("counted as it passed: uncompressed, the stored size").isEqualTo(fromStandby.files().get(0).bytes());
        assertThat(watched.largestWorkFile).as("its work directory holds only its own small files").isLessThan(WORK_FILE_LIMIT);
        assertThat(watched.workDir).doesNotExist();
        assertThat(fromStandby.node()).isEqualTo("bergen-db");
        assertThat(fromStandby.sourceRole()).isEqualTo("standby");
        assertThat(fromStandby.note()).isEmpty();
        try (var c = lab.pair.primary.rootConnection(); var r = c.createStatement().executeQuery("SELECT @@gtid_binlog_pos")) {
            r.next();
            assertThat(fromStandby.gtidEnd()).as("the primary's transactions, as the standby applied them").isEqualTo(r.getString(1));
        }
        new BackupVerifier(lab.repository, lab.backup.timeout()).verify(fromStandby, lab.scratch());
    }

    @Test
    void aTakeThatFailsOrTimesOutLeavesNothingInTheRepository() throws Exception {
        LocalRepository repo = new LocalRepository(lab.pair.dir.resolve("repo-fail"));
        BackupSource.Choice c = lab.source();
        // Refused at once: an empty stream that looks whole until the exit code says otherwise.
        assertThatThrownBy(() -> new BaseBackup(lab.backup, repo, Clock.systemUTC()).take(c, "not-the-password"))
                .isInstanceOf(BackupFailedException.class).hasMessageContaining("failed (exit");
        // Cut mid-stream: the repository stalls on the first bytes until the deadline has killed mariadb-backup.
        Watched stalled = new Watched(repo, true);
        assertThatThrownBy(() -> new BaseBackup(new BackupConfig(null, null, null, BackupConfig.Compression.NONE, Duration.ofSeconds(2)),
                stalled, Clock.systemUTC()).take(c, c.state().node().mysql().secret().resolve()))
                .isInstanceOf(BackupFailedException.class).hasMessageContaining("did not finish within 2 s");
        assertThat(stalled.toolAtFirstByte).isNotNull();
        try (var files = Files.walk(repo.root())) {
            assertThat(files.filter(Files::isRegularFile)).as("no stream, no .part, no manifest").isEmpty();
        }
    }

    private static final long WORK_FILE_LIMIT = 1 << 20;

    /** A local repository that looks at the take while its stream is stored. */
    private static final class Watched implements Repository {
        private final Repository to;
        private final boolean stall;
        volatile ProcessHandle toolAtFirstByte;
        volatile Path workDir;
        volatile long largestWorkFile = -1;

        Watched(Repository to, boolean stall) {
            this.to = to;
            this.stall = stall;
        }

        @Override
        public OutputStream create(String key) throws IOException {
            OutputStream out = to.create(key);
            if (!key.endsWith(BaseBackup.STREAM)) return out;
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (toolAtFirstByte == null) {
                        toolAtFirstByte = ProcessHandle.current().descendants()
                                .filter(p -> p.info().command().orElse("").endsWith("/" + ToolVersion.PROGRAM)).findFirst().orElse(null);
                        if (toolAtFirstByte == null) throw new IOException("mariadb-backup is not running: the stream was staged");
                        String target = Stream.of(toolAtFirstByte.info().arguments().orElseThrow())
                                .filter(a -> a.startsWith("--target-dir=")).findFirst().orElseThrow();
                        workDir = Path.of(target.substring("--target-dir=".length()));
                        if (stall) toolAtFirstByte.onExit().orTimeout(30, TimeUnit.SECONDS).join();
                    }
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    try (var files = Files.walk(workDir)) {
                        largestWorkFile = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).max().orElse(0);
                    }
                    super.close();
                }
            };
        }

        @Override
        public InputStream open(String key) throws IOException {
            return to.open(key);
        }

        @Override
        public boolean exists(String key) throws IOException {
            return to.exists(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return to.list(prefix);
        }

        @Override
        public long size(String key) throws IOException {
            return to.size(key);
        }

        @Override
        public void delete(String key) throws IOException {
            to.delete(key);
        }

        @Override
        public String describe() {
            return to.describe();
        }
    }

    @Test
    void theToolMustBeTheServersVersion() {
        assertThat(ToolVersion.judge(Optional.of("mariadb-backup based on MariaDB server 10.11.19-MariaDB debian-linux-gnu"),
                "10.11.19-MariaDB-0+deb12u1")).isEqualTo(new ToolVersion.Matches("10.11.19"));
        ToolVersion.Verdict older = ToolVersion.judge(Optional.of("mariadb-backup based on MariaDB server 10.11.6-MariaDB"),
                "10.11.19-MariaDB-0+deb12u1");
        assertThat(older).isEqualTo(new ToolVersion.Differs("10.11.6", "10.11.19"));
        assertThat(ToolVersion.problem(older)).hasValueSatisfying(p -> assertThat(p).contains("10.11.6", "10.11.19"));
        assertThat(ToolVersion.problem(ToolVersion.judge(Optional.empty(), "10.11.19")))
                .hasValueSatisfying(p -> assertThat(p).contains("apt-get install mariadb-backup"));
    }
}
