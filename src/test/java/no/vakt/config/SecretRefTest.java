package no.vakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRefTest {
    @TempDir
    Path dir;

    @Test
    void readsFileWithoutTrailingNewline() throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "s3cret\n");
        assertThat(SecretRef.ofFile(f).resolve()).isEqualTo("s3cret");
    }

    @Test
    void readsEnvironment() {
        assertThat(SecretRef.ofEnv("PW").resolve(Map.of("PW", "x"))).isEqualTo("x");
        assertThatThrownBy(() -> SecretRef.ofEnv("PW").resolve(Map.of())).hasMessageContaining("PW is not set");
    }

    @Test
    void warnsWhenGroupOrOthersCanRead() throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "x");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertThat(SecretRef.ofFile(f).permissionProblem()).isEmpty();
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(SecretRef.ofFile(f).permissionProblem()).get().asString().contains("readable by group/others");
    }

    @Test
    void toStringNeverShowsTheValue() throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "s3cret");
        assertThat(SecretRef.ofFile(f).toString()).doesNotContain("s3cret").contains("file:");
    }
}
