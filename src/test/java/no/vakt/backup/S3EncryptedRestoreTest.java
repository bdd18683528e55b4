package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.Sleeper;
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
 * prune, and a restore that reads every file back from the bucket, decrypted. What is in the bucket is
 * OpenPGP, never the plain stream, the manifest or the binlogs.
 */
class S3EncryptedRestoreTest {
    private static final String HOST = "127.0.65.4";
    private static Path dir;
    private static S3Proxy s3;
    private static BackupLab lab;

    @BeforeAll
    static void start() throws Exception {
        dir = TestDirs.create("s3e");
        s3 = S3Proxy.start(Files.createDirectories(dir.resolve("s3")), "127.0.65.5");
        S3Env.createBucket(s3.endpoint(), "shop-backups");
        Path cred = dir.resolve("aws.cred");
        Files.writeString(cred, "[vakt]\naws_access_key_id = " + S3Proxy.IDENTITY + "\naws_secret_access_key = " + S3Proxy.CREDENTIAL + "\n");
        Files.writeString(dir.resolve("pass"), "a passphrase for the 3 AM operator\n");
        lab = new BackupLab("127.0.65.2", "127.0.65.3", "  repository: {type: s3, bucket: shop-backups, prefix: vakt/shop, region: us-east-1,"
                + " endpoint: \"" + s3.endpoint() + "\", credentials-file: " + cred + ", profile: vakt, country: NO}\n"
                + "  encryption: {passphrase-file: " + dir.resolve("pass") + "}\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) lab.close();
        if (s3 != null) s3.close();
    }

    @Test
    void takeArchiveVerifyAndRestoreThroughAnEncryptedBucket() throws Exception {
        String cfg = lab.pair.configFile.toString();
        TestPair.sql(lab.pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                "INSERT INTO shop.orders VALUES (1, 'apple'), (2, 'pear')");
        Cli take = Cli.run("backup", "take", "-c", cfg);
        assertThat(take.exitCode()).as(take.out() + take.err()).isZero();
        TestPair.sql(lab.pair.primary, "INSERT INTO shop.orders VALUES (3, 'plum')", "UPDATE shop.orders SET item = 'kiwi' WHERE id = 1");
        Cli archive = Cli.run("backup", "archive", "-c", cfg);
        assertThat(archive.exitCode()).as(archive.out() + archive.err()).isZero();

        Repository raw = Repositories.open(new no.vakt.config.BackupConfig(lab.backup.repository(), null, null, null, null), Map.of());
        String id = raw.list("base").get(0).substring("base/".length());
        for (String key : List.of(Manifest.key(id), "base/" + id + "/backup.xb.gz", raw.list("binlog/oslo-db").get(0))) {
            try (var in = raw.open(key)) {
                // An OpenPGP symmetric-key session packet (tag 3, old or new format) opens every stored file.
                assertThat(in.read()).as(key).isIn(0x8C, 0x8D, 0x8E, 0xC3);
            }
        }
        Cli list = Cli.run("backup", "list", "-c", cfg);
        assertThat(list.out()).contains(id);
        Cli verify = Cli.run("backup", "verify", "-c", cfg);
        assertThat(verify.out()).as(verify.out() + verify.err()).contains("backup " + id + ": checksums match and it prepares: restorable");
        assertThat(Cli.run("backup", "prune", "--dry-run", "-c", cfg).out()).contains("Nothing to remove");

        Path into = lab.pair.dir.resolve("r1");
        Cli restore = Cli.run("restore", "-c", cfg, "--into", into.toString(), "--host", HOST, "--port",
                Integer.toString(Loopback.freePort(HOST)));
        ScratchServer server = new ScratchServer(into, Clock.systemUTC(), Sleeper.REAL);
        List<String> rows = new ArrayList<>();
        try {
            assertThat(restore.exitCode()).as(restore.out() + restore.err()).isZero();
            try (Connection c = server.connect(); ResultSet r = c.createStatement()
                    .executeQuery("SELECT CONCAT(id, ':', item) FROM shop.orders ORDER BY id")) {
                while (r.next()) rows.add(r.getString(1));
            }
        } finally {
            server.stop(Duration.ofSeconds(30));
        }
        assertThat(rows).as("the backup plus the archive, read back from the bucket").containsExactly("1:kiwi", "2:pear", "3:plum");
    }
}
