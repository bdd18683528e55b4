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
        assertThat(b.compression()).isEqualTo(BackupConfig.Compression.GZIP);
        assertThat(b.timeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void eachWrongFieldIsNamedWithItsLine() {
        List<ConfigProblem> p = problems("""
                backup:
                  repository: {type: s3, country: Norway}
                  schedule: "99 * * * *"
                  retention: {keep: 0, days: -1}
                """);
        assertThat(p).extracting(ConfigProblem::field).containsExactly("backup.repository.type", "backup.repository.path",
                "backup.repository.country", "backup.schedule", "backup.retention.keep", "backup.retention.days");
        int sectionLine = CoordinationConfigTest.BASE.split("\n").length + 1;
        assertThat(p.get(0).line()).isEqualTo(sectionLine + 1);
        assertThat(p.get(3).line()).isEqualTo(sectionLine + 2);
        assertThat(problems("""
                backup:
                  repository: {path: r, country: NO}
                  compression: zstd
                """)).extracting(ConfigProblem::field).containsExactly("backup.compression");
    }
}
