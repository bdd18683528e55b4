package no.vakt.coordination;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import no.vakt.config.CoordinationConfig;
import no.vakt.config.SecretRef;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.X509Util;

/**
 * The ZooKeeper client's properties for a {@code coordination:} section's {@code tls:} and {@code sasl:}:
 * per client ({@link ZKClientConfig}), not JVM-wide system properties. Passwords are read from their files
 * here and go only into the client's properties and the JAAS entry, never into a log or a message.
 */
final class ZooKeeperClientConfig {
    /** The JAAS section names this process registered, with their entries (see {@link Jaas}). */
    private static final Map<String, AppConfigurationEntry> SECTIONS = new ConcurrentHashMap<>();

    private ZooKeeperClientConfig() {}

    static ZKClientConfig of(CoordinationConfig config) {
        ZKClientConfig z = new ZKClientConfig();
        CoordinationConfig.ZooKeeperTls tls = config.tls();
        if (tls != null) {
            z.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
            // TLS needs the Netty socket; the default NIO one has no TLS.
            z.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
            String password = tls.passwordFile() == null ? null : SecretRef.ofFile(tls.passwordFile()).resolve();
            z.setProperty("zookeeper.ssl.trustStore.location", tls.truststore().toString());
            if (password != null) z.setProperty("zookeeper.ssl.trustStore.password", password);
            if (tls.keystore() != null) {
                z.setProperty("zookeeper.ssl.keyStore.location", tls.keystore().toString());
                if (password != null) z.setProperty("zookeeper.ssl.keyStore.password", password);
            }
        }
        CoordinationConfig.ZooKeeperSasl sasl = config.sasl();
        if (sasl == null) {
            // Without a sasl: section no login is tried, whatever JAAS file the JVM was given.
            z.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        } else {
            String section = "vakt-zookeeper-" + config.agent() + "-" + config.chroot();
            SECTIONS.put(section, digestEntry(sasl.user(), sasl.passwordSecret().resolve()));
            Jaas.install();
            z.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
            z.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
            // ZooKeeper 3.9's FIPS mode (on by default) refuses DIGEST-MD5 with only a warning: the login would
            // silently never happen. The servers need zookeeper.fips-mode=false for it too (docs/ha.md).
            z.setProperty(X509Util.FIPS_MODE_PROPERTY, "false");
        }
        return z;
    }

    /** The JAAS entry of ZooKeeper's DIGEST-MD5 client login. */
    static AppConfigurationEntry digestEntry(String user, String password) {
        Map<String, String> options = new HashMap<>();
        options.put("username", user);
        options.put("password", password);
        return new AppConfigurationEntry("org.apache.zookeeper.server.auth.DigestLoginModule",
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options);
    }

    /** The entry a client of this process logs in with under {@code section}; null when none. */
    static AppConfigurationEntry entry(String section) {
        return SECTIONS.get(section);
    }

    /**
     * JAAS is looked up JVM-wide ({@link Configuration#getConfiguration()}): this one answers Vakt's own
     * sections and hands every other name to the configuration that was there before, so a JAAS file the
     * JVM was given keeps working.
     */
    private static final class Jaas extends Configuration {
        private static final Object LOCK = new Object();
        private final Configuration before;

        private Jaas(Configuration before) {
            this.before = before;
        }

        static void install() {
            synchronized (LOCK) {
                Configuration now = currentOrNull();
                if (now instanceof Jaas) return;
                Configuration.setConfiguration(new Jaas(now));
            }
        }

        private static Configuration currentOrNull() {
            try {
                return Configuration.getConfiguration();
            } catch (SecurityException e) {
                return null; // no JAAS file given: nothing to delegate to
            }
        }

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            AppConfigurationEntry mine = SECTIONS.get(name);
            if (mine != null) return new AppConfigurationEntry[] {mine};
            return before == null ? null : before.getAppConfigurationEntry(name);
        }
    }
}
