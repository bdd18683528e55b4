package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import no.vakt.config.CoordinationConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordination.sasl} against a real ZooKeeper server (a separate JVM) that requires a SASL login
 * (DIGEST-MD5, its users in its own JAAS file): the agent with the right password connects and leads; a
 * wrong password never gets a session that may act, and the password is in no status text.
 */
class ZooKeeperSaslTest {
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path dir;

    @Test
    void anAgentLogsInWithItsPasswordFileAndAWrongPasswordGetsNoAuthority() throws Exception {
        String password = "d1gest-" + System.nanoTime();
        Path jaas = Files.writeString(dir.resolve("server.jaas"), """
                Server {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  user_vakt="%s";
                };
                """.formatted(password));
        Path right = Files.writeString(dir.resolve("zk.pass"), password + "\n");
        Path wrong = Files.writeString(dir.resolve("wrong.pass"), "not-" + password + "\n");
        Path tmp = Path.of(System.getProperty("vakt.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(tmp);
        try (ZooKeeperServers zk = ZooKeeperServers.start(Files.createTempDirectory(tmp, "zksasl"), 1, """
                authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider
                sessionRequireClientSASLAuth=true
                """, List.of("-Djava.security.auth.login.config=" + jaas, "-Dzookeeper.fips-mode=false"))) {
            try (ZooKeeperCoordinator agent = ZooKeeperCoordinator.start(config(zk, "oslo", right), CLOCK)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.status().authority());
                assertThat(agent.advanceEpoch(0, 1)).isEqualTo(new EpochUpdate.Advanced(1));
                // The same reads with the right password see the leader; with a wrong one they see nothing.
                CoordinatorStatus allowed = ZooKeeperLook.of(config(zk, "bergen", right), CLOCK);
                assertThat(allowed.leader()).as(allowed.reason()).isEqualTo("oslo");
                assertThat(allowed.epoch()).isEqualTo(1L);
                CoordinatorStatus refused = ZooKeeperLook.of(config(zk, "bergen", wrong), CLOCK);
                assertThat(refused.leader()).as(refused.reason()).isNull();
                assertThat(refused.session()).isEqualTo(SessionState.LOST);
                assertThat(refused.reason()).doesNotContain(password);
            }
        }
    }

    private static CoordinationConfig config(ZooKeeperServers zk, String agent, Path passwordFile) {
        return new CoordinationConfig(zk.connectString(), "/vakt/shop", Duration.ofSeconds(4), Duration.ofSeconds(2), agent,
                null, new CoordinationConfig.ZooKeeperSasl("vakt", passwordFile, null, null));
    }
}
