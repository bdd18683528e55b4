package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import no.vakt.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValidateCommandTest {
    @TempDir
    Path dir;

    @Test
    void validConfigExitsZero() {
        Cli r = Cli.run("config", "validate", "--config", "examples/vakt.yml");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("valid").contains("primary oslo-db1").contains("standby bergen-db1");
    }

    @Test
    void invalidConfigExitsTwoWithLocationAndNoStackTrace() throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, Files.readString(Path.of("examples/vakt.yml")).replace("role: standby", "role: replica"));
        Cli r = Cli.run("config", "validate", "--config", f.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(f + ":").contains("sites[1].nodes[0].role: expected one of primary, standby; got 'replica'");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aBadEnumAndTwoOtherErrorsAreAllReportedEachWithItsLine() throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, Files.readString(Path.of("examples/vakt.yml"))
                .replace("failover: manual", "failover: automatc")
                .replace("cluster: shop", "cluster: 'shop store'")
                .replace("  semi-sync: false", "  semi-sync: false\n  semisync-timeout: 1s"));
        Cli r = Cli.run("config", "validate", "--config", f.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(f + ":11:").contains("policy.failover: expected one of automatic, manual, notify-only; got 'automatc'")
                .contains(f + ":3:").contains("cluster: expected a cluster name")
                .contains("replication.semisync-timeout: unknown key 'semisync-timeout'");
    }

    @Test
    void helpListsEveryCommandAndVersionPrints() {
        Cli help = Cli.run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("init", "config", "check", "status", "replicate", "heartbeat", "lab", "demo");
        Cli version = Cli.run("--version");
        assertThat(version.out()).startsWith("vakt ");
    }
}
