package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.GtidPosition;
import no.vakt.cluster.Sleeper;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;
import no.vakt.testing.S3Proxy;
import no.vakt.testing.TestDirs;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole cycle against S3 (s3proxy) with encryption, through the commands: take, archive, list, verify,
 * prune, the continuous archive streamed across a binlog rotation, and a restore that reads every file back
 * from the bucket, decrypted. What is in the bucket is OpenPGP, never the plain stream, the manifest or the
 * binlogs. Then the same pair against a directory over ssh (a private sshd): take, archive, stream, restore.
 */
class RemoteRestoreTest {
    private static final String HOST = "127.0.65.4";
    private static Path dir;
    private static S3Proxy s3;
    private static BackupLab lab;
    private static no.vakt.lab.Sshd sshd;
    private static String s3Section;

    @BeforeAll
    static void start() throws Exception {
        dir = TestDirs.create("s3e");
        s3 = S3Proxy.shared();
        S3Env.createBucket(s3.endpoint(), "shop-backups");
        Path cred = dir.resolve("aws.cred");
        Files.writeString(cred, "[vakt]\naws_access_key_id = " + S3Proxy.IDENTITY + "\naws_secret_access_key = " + S3Proxy.CREDENTIAL + "\n");
        Files.writeString(dir.resolve("pass"), "a passphrase for the 3 AM operator\n");
        s3Section = "  repository: {type: s3, bucket: shop-backups, prefix: vakt/shop, region: us-east-1,"
                + " endpoint: \"" + s3.endpoint() + "\", credentials-file: " + cred + ", profile: vakt, country: NO}\n"
                + "  encryption: {passphrase-file: " + dir.resolve("pass") + "}\n";
        lab = new BackupLab("127.0.65.2", "127.0.65.3", s3Section);
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) lab.close();
        if (sshd != null) sshd.stop();
    }

    @Test
    void takeArchiveVerifyAndRestoreThroughAnEncryptedBucket() throws Exception {
        useSection(s3Section);
        String cfg = lab.pair.configFile.toString();
        TestPair.sql(lab.pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                "INSERT INTO shop.orders VALUES (1, 'apple'), (2, 'pear')");
        Cli take = Cli.run("backup", "take", "-c", cfg);
        assertThat(take.exitCode()).as(take.out() + take.err()).isZero();
        TestPair.sql(lab.pair.primary, "INSERT INTO shop.orders VALUES (3, 'plum')", "UPDATE shop.orders SET item = 'kiwi' WHERE id = 1");
        Cli archive = Cli.run("backup", "archive", "-c", cfg);
        assertThat(archive.exitCode()).as(archive.out() + archive.err()).isZero();

        // Streamed too, across a rotation: the rotated binlog goes up whole, the active one as chunks.
        streamWhileWriting("shop.orders", 4, 6);
        Repository raw = Repositories.open(new no.vakt.config.BackupConfig(lab.backup.repository(), null, null, null, null), Map.of());
        String id = raw.list("base").get(0).substring("base/".length());
        String rotated = raw.list("binlog/oslo-db").get(0);
        String active = raw.list(raw.list("binlog-chunks/oslo-db").get(0)).get(0);
        for (String key : List.of(Manifest.key(id), "base/" + id + "/backup.xb.zst", rotated, active)) {
            try (var in = raw.open(key)) {
                // An OpenPGP symmetric-key session packet (tag 3, old or new format) opens every stored file.
                assertThat(in.read()).as(key).isIn(0x8C, 0x8D, 0x8E, 0xC3);
            }
        }
        Cli list = Cli.run("backup", "list", "-c", cfg);
        assertThat(list.out()).contains(id, "openpgp");
        assertThat(take.out()).contains("bytes stored (openpgp)");
        Cli verify = Cli.run("backup", "verify", "-c", cfg);
        assertThat(verify.out()).as(verify.out() + verify.err()).contains("backup " + id + ": checksums match and it prepares: restorable");
        assertThat(Cli.run("backup", "prune", "--dry-run", "-c", cfg).out()).contains("Nothing to remove");

        assertThat(restored("r1", "shop")).as("the backup plus the archive, read back from the bucket")
                .containsExactly("1:kiwi", "2:pear", "3:plum", "4:s", "5:s", "6:s");
    }

    @Test
    void takeArchiveAndRestoreThroughADirectoryOverSsh() throws Exception {
        sshd = new no.vakt.lab.Sshd(dir.resolve("ssh"), List.of("127.0.65.6"), Loopback.freePort("127.0.65.6"));
        sshd.start();
        String section = "  repository: {type: ssh, host: 127.0.65.6, port: " + sshd.port() + ", user: " + System.getProperty("user.name")
                + ", path: " + dir.resolve("far") + ", identity-file: " + sshd.clientKey() + ", known-hosts-file: " + sshd.knownHosts()
                + ", country: NO}\n";
        useSection(section);
        String cfg = lab.pair.configFile.toString();
        TestPair.sql(lab.pair.primary, "CREATE DATABASE far", "CREATE TABLE far.t (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO far.t VALUES (1, 'one')");
        Cli take = Cli.run("backup", "take", "-c", cfg);
        assertThat(take.exitCode()).as(take.out() + take.err()).isZero();
        TestPair.sql(lab.pair.primary, "INSERT INTO far.t VALUES (2, 'two')");
        Cli archive = Cli.run("backup", "archive", "-c", cfg);
        assertThat(archive.exitCode()).as(archive.out() + archive.err()).isZero();
        assertThat(Files.list(dir.resolve("far/base")).toList()).as("one backup directory on the far side").hasSize(1);
        streamWhileWriting("far.t", 3, 4);
        assertThat(restored("r2", "far")).containsExactly("1:one", "2:two", "3:s", "4:s");
    }

    /**
     * The continuous archive into the configured repository while rows {@code from..to} are written, the binlog
     * rotated halfway; returns once they are archived.
     */
    private static void streamWhileWriting(String table, int from, int to) throws Exception {
        VaktConfig cfg = lab.pair.config();
        Repository repo = Repositories.open(cfg.backup(), Map.of());
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(5));
        Node primary = cfg.primary();
        try (ContinuousArchive archive = new ContinuousArchive(repo, inspector, Clock.systemUTC(), Duration.ofMinutes(5), s -> {})) {
            archive.tick(primary, primary.mysql().secret().resolve());
            for (int id = from; id <= to; id++) {
                TestPair.sql(lab.pair.primary, "INSERT INTO " + table + " VALUES (" + id + ", 's')");
                if (id == from) TestPair.sql(lab.pair.primary, "FLUSH BINARY LOGS");
            }
            String at;
            try (Connection c = lab.pair.primary.rootConnection(); ResultSet r = c.createStatement().executeQuery("SELECT @@gtid_binlog_pos")) {
                r.next();
                at = r.getString(1);
            }
            await("streamed up to " + at).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    GtidPosition.parse(archive.tick(primary, primary.mysql().secret().resolve()).coveredGtid()).contains(GtidPosition.parse(at)));
            assertThat(archive.status().state()).isEqualTo(ArchiveStatus.State.STREAMING);
            assertThat(archive.status().detail()).isEmpty();
        }
    }

    /** The config's backup: section, in place of the last test's. */
    private static void useSection(String section) throws java.io.IOException {
        lab.pair.rewriteConfig(t -> t.substring(0, t.indexOf("backup:\n") + "backup:\n".length()) + section + "  timeout: 60s\n");
    }

    /** {@code vakt restore --into DIR} (latest), then the rows of DB's one table, the server stopped. */
    private static List<String> restored(String name, String db) throws Exception {
        Path into = lab.pair.dir.resolve(name);
        Cli restore = Cli.run("restore", "-c", lab.pair.configFile.toString(), "--into", into.toString(), "--host", HOST, "--port",
                Integer.toString(Loopback.freePort(HOST)));
        ScratchServer server = new ScratchServer(into, Clock.systemUTC(), Sleeper.REAL);
        List<String> rows = new ArrayList<>();
        try {
            assertThat(restore.exitCode()).as(restore.out() + restore.err()).isZero();
            String table = db.equals("shop") ? "shop.orders" : db + ".t";
            String value = db.equals("shop") ? "item" : "v";
            try (Connection c = server.connect(); ResultSet r = c.createStatement()
                    .executeQuery("SELECT CONCAT(id, ':', " + value + ") FROM " + table + " ORDER BY id")) {
                while (r.next()) rows.add(r.getString(1));
            }
        } finally {
            server.stop(Duration.ofSeconds(30));
        }
        return rows;
    }
}
