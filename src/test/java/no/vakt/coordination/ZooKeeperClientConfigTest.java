package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import no.vakt.config.CoordinationConfig;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code coordination:} section's TLS and SASL as the ZooKeeper client's own per-client properties and JAAS
 * entry; {@code ZooKeeperTlsTest} and {@code ZooKeeperSaslTest} connect to real servers with them.
 */
class ZooKeeperClientConfigTest {
    @TempDir
    Path dir;

    @Test
    void aPlainSectionTriesNoLoginAndNoTls() {
        ZKClientConfig z = ZooKeeperClientConfig.of(new CoordinationConfig("h1:2181", "/vakt/shop", null, null, "oslo"));
        assertThat(z.getBoolean(ZKClientConfig.SECURE_CLIENT)).isFalse();
        assertThat(z.getProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY)).isEqualTo("false");
    }

    @Test
    @SuppressWarnings("unchecked")
    void tlsAndSaslBecomeTheClientsPropertiesAndAJaasEntryOfItsOwn() throws Exception {
        Path pass = Files.writeString(dir.resolve("tls.pass"), "st0re\n");
        Path zkPass = Files.writeString(dir.resolve("zk.pass"), "d1gest\n");
        CoordinationConfig c = new CoordinationConfig("h1:2281", "/vakt/shop", Duration.ofSeconds(6), Duration.ofSeconds(3),
                "oslo", new CoordinationConfig.ZooKeeperTls(dir.resolve("ca.p12"), dir.resolve("agent.p12"), pass),
                new CoordinationConfig.ZooKeeperSasl("vakt", zkPass, null, null));
        ZKClientConfig z = ZooKeeperClientConfig.of(c);
        assertThat(z.getBoolean(ZKClientConfig.SECURE_CLIENT)).isTrue();
        assertThat(z.getProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET)).isEqualTo("org.apache.zookeeper.ClientCnxnSocketNetty");
        assertThat(z.getProperty("zookeeper.ssl.trustStore.location")).isEqualTo(dir.resolve("ca.p12").toString());
        assertThat(z.getProperty("zookeeper.ssl.keyStore.location")).isEqualTo(dir.resolve("agent.p12").toString());
        assertThat(z.getProperty("zookeeper.ssl.keyStore.password")).isEqualTo("st0re");
        assertThat(z.getProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY)).isEqualTo("true");
        assertThat(z.getProperty("zookeeper.fips-mode")).as("FIPS mode refuses DIGEST-MD5").isEqualTo("false");

        // The section is this process's own; the JVM-wide JAAS lookup answers it with the digest login.
        String section = z.getProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY);
        AppConfigurationEntry[] entries = Configuration.getConfiguration().getAppConfigurationEntry(section);
        assertThat(entries).hasSize(1);
        assertThat(entries[0].getLoginModuleName()).isEqualTo("org.apache.zookeeper.server.auth.DigestLoginModule");
        assertThat((java.util.Map<String, Object>) entries[0].getOptions()).containsEntry("username", "vakt").containsEntry("password", "d1gest");
        assertThat(Configuration.getConfiguration().getAppConfigurationEntry("Client")).as("other sections: as before").isNull();
        assertThat(c.toString()).doesNotContain("d1gest").doesNotContain("st0re");
    }
}
