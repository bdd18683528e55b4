package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.util.Optional;
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
        Manifest fromStandby = lab.take();
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
