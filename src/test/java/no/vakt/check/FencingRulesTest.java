package no.vakt.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FencingRulesTest {
    private static final String SITES = """
            cluster: shop
            sites:
              - name: oslo
                country: NO
                nodes:
                  - {name: oslo-db, role: primary, mysql: {host: 127.0.10.1, user: vakt, password-env: PW}}
              - name: bergen
                country: NO
                nodes:
                  - {name: bergen-db, role: standby, mysql: {host: 127.0.20.1, user: vakt, password-env: PW}}
            replication: {user: repl, password-env: REPL_PW, databases: [shop]}
            """;

    @TempDir
    Path dir;

    private Finding only(String policy) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, SITES + policy);
        VaktConfig c = ConfigLoader.load(f);
        java.util.List<Finding> findings = FencingRules.fenceCommand(c, null);
        assertThat(findings).hasSize(1);
        return findings.get(0);
    }

    @Test
    void automaticFailoverWithoutAFenceCommandIsAWarning() throws Exception {
        Finding f = only("policy: {failover: automatic}\n");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("frozen").contains("milliseconds");
        assertThat(f.fix()).contains("policy.fence-command");
    }

    @Test
    void manualFailoverWithoutAFenceCommandIsLeftToThePersonWhoPromotes() throws Exception {
        Finding f = only("policy: {failover: manual}\n");
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.message()).contains("power it off before vakt promote");
    }

    @Test
    void aFenceCommandIsNamedByItsProgramWithoutItsArguments() throws Exception {
        Finding f = only("""
                policy:
                  failover: automatic
                  fence-command: [/usr/local/sbin/stonith, --password, s3cret, '{node}']
                  fence-command-timeout: 20s
                """);
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.message()).contains("stonith").contains("20s").doesNotContain("s3cret");
    }
}
