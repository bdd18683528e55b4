package no.vakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupConfigTest {
    @TempDir
    Path dir;

    private VaktConfig load(String extra) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, CoordinationConfigTest.BASE + extra);
        return ConfigLoader.load(f);
    }

    private List<ConfigProblem> problems(String extra) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(extra));
        assertThat(e).as("a config error").isNotNull();
        return e.problems();
    }

    @Test
    void withoutTheSectionNothingIsConfiguredAndDefaultsFillTheRest() throws Exception {
        assertThat(load("").backup().configured()).isFalse();
        BackupConfig b = load("""
                backup:
                  repository: {path: repo, country: NO}
                """).backup();
        assertThat(b.repository().type()).isEqualTo(BackupConfig.RepositoryType.LOCAL);
        assertThat(b.repository().path()).as("relative to the config file").isEqualTo(dir.resolve("repo"));
        assertThat(b.retention().keep()).isEqualTo(7);
        assertThat(b.retention().days()).isEqualTo(14);
        assertThat(b.compression()).isEqualTo(BackupConfig.Compression.ZSTD);
        assertThat(load("""
                backup:
                  repository: {path: r, country: NO}
                  compression: gzip
                """).backup().compression()).as("older setups keep theirs").isEqualTo(BackupConfig.Compression.GZIP);
        assertThat(b.timeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void sshAndS3RepositoriesAndEncryptionTakeTheirOwnKeys() throws Exception {
        BackupConfig ssh = load("""
                backup:
                  repository: {type: ssh, host: vault.example.no, port: 2222, user: vakt, path: /srv/vakt, country: NO,
                               identity-file: keys/id, known-hosts-file: keys/known}
                  encryption: {passphrase-file: backup.pass}
                """).backup();
        assertThat(ssh.repository().identityFile()).isEqualTo(dir.resolve("keys/id"));
        assertThat(ssh.repository().port()).isEqualTo(2222);
        assertThat(ssh.encryption().passphraseFile()).isEqualTo(dir.resolve("backup.pass"));
        BackupConfig s3 = load("""
                backup:
                  repository: {type: s3, bucket: shop-backups, prefix: vakt/shop, region: eu-north-1, country: SE,
                               endpoint: "https://s3.example.se", credentials-file: aws.cred}
                """).backup();
        assertThat(s3.repository().pathStyle()).as("path-style when an endpoint is given").isTrue();
        assertThat(s3.repository().profile()).isEqualTo("default");
        assertThat(problems("""
                backup:
                  repository: {type: ssh, path: /srv/vakt, country: NO, bucket: b}
                  encryption: {}
                """)).extracting(ConfigProblem::field).containsExactly("backup.repository.host", "backup.repository.bucket",
                "backup.encryption.passphrase-file");
        assertThat(problems("""
                backup:
                  repository: {type: s3, bucket: Shop_Backups, region: eu-north-1, country: NO, path: /x, endpoint: "ftp://x"}
                """)).extracting(ConfigProblem::field).containsExactly("backup.repository.bucket", "backup.repository.endpoint",
                "backup.repository.path");
    }

    @Test
    void eachWrongFieldIsNamedWithItsLine() {
        List<ConfigProblem> p = problems("""
                backup:
                  repository: {type: s3, country: Norway}
                  schedule: "99 * * * *"
                  retention: {keep: 0, days: -1}
                """);
        assertThat(p).extracting(ConfigProblem::field).containsExactly("backup.repository.bucket", "backup.repository.region",
                "backup.repository.country", "backup.schedule", "backup.retention.keep", "backup.retention.days");
        int sectionLine = CoordinationConfigTest.BASE.split("\n").length + 1;
        assertThat(p.get(0).line()).isEqualTo(sectionLine + 1);
        assertThat(p.get(3).line()).isEqualTo(sectionLine + 2);
        assertThat(problems("""
                backup:
                  repository: {path: r, country: NO}
                  compression: lz4
                """)).extracting(ConfigProblem::field).containsExactly("backup.compression");
    }
}
