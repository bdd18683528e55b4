package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import no.vakt.testing.Cli;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.Test;

/**
 * With agents only the leader acts (docs/ha.md): a drill's own monitor would fail over beside it, and a CLI action on
 * a host without an agent goes to the leader, or is refused when nobody leads.
 */
class CoordinatedCliTest {
    @Test
    void aDrillWithItsOwnMonitorIsRefusedWithCoordination() throws Exception {
        Path config = config();
        Cli cli = Cli.run("drill", "--config", config.toString(), "--fault", "kill-db");
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("use --monitor external");
    }

    @Test
    void aSwitchoverWithNobodyLeadingIsRefusedAndDoesNothing() throws Exception {
        Cli cli = Cli.run("switchover", "--config", config().toString());
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(cli.out()).contains("vakt switchover refused: with coordination: only the leading agent acts, and no agent"
                + " leads").doesNotContain("live roles");
    }

    /** A pair whose servers and ZooKeeper are not there: nothing may be reached. */
    private static Path config() throws Exception {
        Path config = TestDirs.create("drill-zk-").resolve("vakt.yml");
        Files.writeString(config, """
                cluster: shop
                sites:
                  - name: oslo
                    country: NO
                    nodes: [{name: oslo-db, role: primary, mysql: {host: 127.0.0.1, port: 1, user: vakt, password-env: PW}}]
                  - name: bergen
                    country: NO
                    nodes: [{name: bergen-db, role: standby, mysql: {host: 127.0.0.1, port: 2, user: vakt, password-env: PW}}]
                replication: {user: repl, password-env: PW, databases: [shop]}
                coordination: {zookeeper: "127.0.0.1:1", agent: oslo, connection-timeout: 1s, session-timeout: 4s}
                """);
        return config;
    }
}
