package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import no.vakt.config.BackupConfig;
import no.vakt.lab.Sshd;
import no.vakt.testing.Loopback;
import no.vakt.testing.S3Proxy;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every repository type behaves as {@link Repository} says, against real servers: a private sshd and s3proxy
 * on 127.0.65.x. Files of several parts (S3 multipart), directories listed one level deep, nothing visible
 * before it is whole, a backup's directory gone with its last file.
 */
class RepositoryContractTest {
    private static Path dir;
    private static Sshd sshd;
    private static S3Proxy s3;
    private static Repository local;
    private static Repository ssh;
    private static Repository s3repo;

    @BeforeAll
    static void start() throws Exception {
        dir = TestDirs.create("repo");
        String address = "127.0.65." + (10 + ProcessHandle.current().pid() % 200);
        sshd = new Sshd(dir.resolve("ssh"), List.of(address), Loopback.freePort(address));
        sshd.start();
        s3 = S3Proxy.shared();
        local = new LocalRepository(dir.resolve("local"));
        ssh = Repositories.open(new BackupConfig(sshConfig(dir.resolve("remote"), address), null, null, null, null), Map.of());
        s3repo = Repositories.open(new BackupConfig(s3Config(), null, null, null, null), S3Env.of());
        S3Env.createBucket(s3.endpoint(), "vakt");
    }

    static BackupConfig.Repository sshConfig(Path remote, String address) {
        return new BackupConfig.Repository(BackupConfig.RepositoryType.SSH, remote, "NO", address, sshd.port(),
                System.getProperty("user.name"), sshd.clientKey(), sshd.knownHosts(), null, null, null, null, null, null, null);
    }

    static BackupConfig.Repository s3Config() {
        return new BackupConfig.Repository(BackupConfig.RepositoryType.S3, null, "NO", null, null, null, null, null,
                "vakt", "shop/one", "us-east-1", s3.endpoint(), null, null, null);
    }

    @AfterAll
    static void stop() {
        if (sshd != null) sshd.stop();
    }

    static Stream<Named<Repository>> repositories() {
        return Stream.of(Named.of("local", local), Named.of("ssh", ssh), Named.of("s3", s3repo));
    }

    @org.junit.jupiter.api.Test
    void aWrongS3SecretOrAnUnknownSshHostIsAnErrorThatNamesThePlaceNotTheSecret() throws Exception {
        Repository wrong = Repositories.open(new BackupConfig(s3Config(), null, null, null, null),
                Map.of("AWS_ACCESS_KEY_ID", S3Proxy.IDENTITY, "AWS_SECRET_ACCESS_KEY", "wrong-secret-1234"));
        assertThatThrownBy(() -> wrong.list("base")).hasMessageContaining("s3://vakt/shop/one")
                .hasMessageNotContaining("wrong-secret-1234").hasMessageNotContaining(S3Proxy.CREDENTIAL);
        assertThatThrownBy(() -> Repositories.open(new BackupConfig(s3Config(), null, null, null, null), Map.of()))
                .hasMessageContaining("AWS_ACCESS_KEY_ID");
        BackupConfig.Repository r = sshConfig(dir.resolve("remote"), "127.0.65.1");
        Repository noHostKey = Repositories.open(new BackupConfig(r, null, null, null, null), Map.of());
        assertThatThrownBy(() -> noHostKey.list("base")).hasMessageContaining("ssh failed");
    }

    @org.junit.jupiter.api.Test
    void anSshCopyCutByItsDeadlineIsNeverPublishedAndSaysWhy() throws Exception {
        String address = "127.0.65." + (10 + ProcessHandle.current().pid() % 200);
        Path remote = dir.resolve("remote-cut");
        SshRepository repo = new SshRepository(Repositories.sshTarget(sshConfig(remote, address)), remote.toString(), Duration.ofSeconds(2));
        OutputStream out = repo.create("base/1/backup.xb");
        out.write(new byte[100]);
        await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.current().descendants()
                .noneMatch(p -> p.info().arguments().map(a -> String.join(" ", a).contains("backup.xb.part")).orElse(false)));
        assertThatThrownBy(() -> out.write(new byte[100])).hasMessageContaining("did not finish within 2 s");
        out.close();
        assertThat(repo.exists("base/1/backup.xb")).isFalse();
        assertThat(repo.list("base/1")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("repositories")
    void filesAppearWholeListOneLevelAndGoWithTheirDirectory(Repository repo) throws Exception {
        byte[] big = new byte[(16 << 20) * 2 + 12345];
        new Random(3).nextBytes(big);
        try (OutputStream out = repo.create("base/20261207T010000Z/backup.xb.gz")) {
            out.write(big, 0, 100);
            assertThat(repo.exists("base/20261207T010000Z/backup.xb.gz")).as("not visible before close").isFalse();
            out.write(big, 100, big.length - 100);
        }
        try (OutputStream out = repo.create("base/20261207T010000Z/manifest.json")) {
            out.write("{}".getBytes());
        }
        try (OutputStream out = repo.create("binlog/oslo-db/mysql-bin.000002")) {
            out.write(7);
        }
        try (OutputStream out = repo.create("binlog/oslo-db/mysql-bin.000001")) {
            out.write(8);
        }
        assertThat(repo.list("")).containsExactly("base", "binlog");
        assertThat(repo.list("base")).containsExactly("base/20261207T010000Z");
        assertThat(repo.list("base/20261207T010000Z")).containsExactly("base/20261207T010000Z/backup.xb.gz", "base/20261207T010000Z/manifest.json");
        assertThat(repo.list("binlog/oslo-db")).containsExactly("binlog/oslo-db/mysql-bin.000001", "binlog/oslo-db/mysql-bin.000002");
        assertThat(repo.list("binlog/bergen-db")).isEmpty();
        assertThat(repo.size("base/20261207T010000Z/backup.xb.gz")).isEqualTo(big.length);
        try (InputStream in = repo.open("base/20261207T010000Z/backup.xb.gz")) {
            assertThat(in.readAllBytes()).isEqualTo(big);
        }
        try (OutputStream out = repo.create("binlog/oslo-db/mysql-bin.000002")) {
            out.write(new byte[] {9, 9});
        }
        try (InputStream in = repo.open("binlog/oslo-db/mysql-bin.000002")) {
            assertThat(in.readAllBytes()).as("replaced whole").containsExactly(9, 9);
        }

        repo.delete("base/20261207T010000Z/manifest.json");
        repo.delete("base/20261207T010000Z/backup.xb.gz");
        repo.delete("base/20261207T010000Z/backup.xb.gz");
        assertThat(repo.list("base")).isEmpty();
        assertThat(repo.exists("base/20261207T010000Z/manifest.json")).isFalse();
        assertThatThrownBy(() -> repo.open("base/20261207T010000Z/manifest.json")).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> repo.create("../outside")).isInstanceOf(IllegalArgumentException.class);
        for (String k : repo.list("binlog/oslo-db")) repo.delete(k);
    }
}
