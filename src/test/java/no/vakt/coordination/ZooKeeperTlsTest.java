package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.vakt.config.CoordinationConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordination.tls} against a real ZooKeeper server (a separate JVM) that serves TLS on its
 * secureClientPort (Netty) and asks for a client certificate: an agent with the truststore and keystore
 * connects and leads; a look without TLS at the same port gets no session.
 */
class ZooKeeperTlsTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final Duration KEYTOOL_DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void anAgentWithTheTruststoreAndKeystoreConnectsOverTlsAndAPlainClientDoesNot() throws Exception {
        Path pass = Files.writeString(dir.resolve("tls.pass"), "ch4ngeit-" + System.nanoTime() + "\n");
        Path keystore = dir.resolve("zk.p12");
        Path truststore = dir.resolve("trust.p12");
        Path cert = dir.resolve("zk.crt");
        // One self-signed certificate for 127.0.0.1: the server's and the agent's, trusted by both sides.
        keytool(pass, "-genkeypair", "-alias", "zk", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=vakt-test", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass:file", pass.toString());
        keytool(pass, "-exportcert", "-alias", "zk", "-rfc", "-file", cert.toString(), "-keystore", keystore.toString(),
                "-storepass:file", pass.toString());
        keytool(pass, "-importcert", "-noprompt", "-alias", "ca", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass:file", pass.toString());
        String secret = Files.readString(pass).trim();
        int securePort = ZooKeeperServers.freePort();
        Path tmp = Path.of(System.getProperty("vakt.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(tmp);
        try (ZooKeeperServers zk = ZooKeeperServers.start(Files.createTempDirectory(tmp, "zktls"), 1, """
                secureClientPort=%d
                secureClientPortAddress=127.0.0.1
                serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
                ssl.keyStore.location=%s
                ssl.keyStore.password=%s
                ssl.trustStore.location=%s
                ssl.trustStore.password=%s
                ssl.clientAuth=need
                """.formatted(securePort, keystore, secret, truststore, secret))) {
            String at = "127.0.0.1:" + securePort;
            CoordinationConfig tls = new CoordinationConfig(at, "/vakt/shop", Duration.ofSeconds(4), Duration.ofSeconds(2),
                    "oslo", new CoordinationConfig.ZooKeeperTls(truststore, keystore, pass), null);
            try (ZooKeeperCoordinator agent = ZooKeeperCoordinator.start(tls, CLOCK)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.status().authority());
                assertThat(agent.status().session()).isEqualTo(SessionState.CONNECTED);
                assertThat(agent.advanceEpoch(0, 1)).isEqualTo(new EpochUpdate.Advanced(1));
            }
            CoordinatorStatus plain = ZooKeeperLook.of(new CoordinationConfig(at, "/vakt/shop", Duration.ofSeconds(4),
                    Duration.ofSeconds(1), "bergen"), CLOCK);
            assertThat(plain.session()).isEqualTo(SessionState.LOST);
            assertThat(plain.reason()).doesNotContain(secret);
        }
    }

    private static void keytool(Path pass, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(KEYTOOL_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("keytool did not finish within " + KEYTOOL_DEADLINE);
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("keytool " + args[0] + ": " + out).isZero();
    }
}
