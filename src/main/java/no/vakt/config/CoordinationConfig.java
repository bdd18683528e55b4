package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import no.vakt.cluster.HostPort;

/**
 * The config's optional {@code coordination:} section: the ZooKeeper ensemble through which the Vakt agents of
 * one cluster agree who acts (docs/ha.md). Absent: one monitor, local authority, exactly as before.
 *
 * <pre>
 * coordination:
 *   zookeeper: "h1:2181,h2:2181,h3:2181"   # the ensemble's client addresses
 *   chroot: /vakt/shop                      # default /vakt/CLUSTER
 *   session-timeout: 6s                     # default 6s; authority ends at once on a lost connection anyway
 *   connection-timeout: 3s                  # default 3s
 *   agent: oslo                             # this agent's name; default the host name
 *   tls:                                    # optional: TLS to the ensemble's secureClientPort
 *     truststore: tls/zk-ca.pem             # the CA(s) the servers' certificates are checked against
 *     keystore: tls/agent.pem               # optional: this agent's certificate chain and key (client auth)
 *     password-file: secrets/zk-tls.pass    # optional: the stores' password (.jks, .p12, an encrypted key)
 *   sasl:                                   # optional: SASL DIGEST-MD5 login to the ensemble
 *     user: vakt
 *     password-file: secrets/zk.pass        # or password-env: VARIABLE; never inline
 * </pre>
 *
 * Values are checked by the validator (every mistake at once, by field); defaults are filled here.
 */
public record CoordinationConfig(
        String zookeeper, String chroot, Duration sessionTimeout, Duration connectionTimeout, String agent,
        ZooKeeperTls tls, ZooKeeperSasl sasl) {
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(6);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    public CoordinationConfig {
        sessionTimeout = sessionTimeout != null ? sessionTimeout : DEFAULT_SESSION_TIMEOUT;
        connectionTimeout = connectionTimeout != null ? connectionTimeout : DEFAULT_CONNECTION_TIMEOUT;
        agent = agent != null ? agent.trim() : hostName();
    }

    /** Without TLS and SASL (a plain client port). */
    public CoordinationConfig(String zookeeper, String chroot, Duration sessionTimeout, Duration connectionTimeout,
            String agent) {
        this(zookeeper, chroot, sessionTimeout, connectionTimeout, agent, null, null);
    }

    /**
     * TLS to the servers' secureClientPort: the store types follow the file names as ZooKeeper reads them
     * ({@code .pem}, {@code .jks}, {@code .p12}/{@code .pfx}); a PEM keystore holds the chain and the key together.
     */
    public record ZooKeeperTls(Path truststore, Path keystore, Path passwordFile) {
        public ZooKeeperTls {
            if (truststore == null) throw new IllegalArgumentException("truststore: expected the CA file the servers' certificates are checked against");
        }
    }

    /** SASL DIGEST-MD5: the user and the password by reference (a file or a variable), never inline. */
    public record ZooKeeperSasl(String user, Path passwordFile, String passwordEnv, PlainSecret password) {
        public ZooKeeperSasl {
            if (user == null || user.isBlank()) throw new IllegalArgumentException("user: expected the SASL user name");
            SecretRef.given("password", passwordFile, passwordEnv, password, true);
        }

        @JsonIgnore
        public SecretRef passwordSecret() {
            return SecretRef.given("password", passwordFile, passwordEnv, null, true);
        }
    }

    /** The chroot of {@code cluster}'s nodes: the configured one, or {@code /vakt/CLUSTER}. */
    public CoordinationConfig withDefaultChroot(String cluster) {
        return chroot != null ? this : new CoordinationConfig(zookeeper, "/vakt/" + cluster, sessionTimeout,
                connectionTimeout, agent, tls, sasl);
    }

    /** The ensemble's servers; empty when the text is not a list of HOST:PORT (the validator says so). */
    @JsonIgnore
    public List<HostPort> servers() {
        if (zookeeper == null || zookeeper.isBlank()) return List.of();
        try {
            return Arrays.stream(zookeeper.split(",")).map(String::trim).map(s -> HostPort.parse(s, 2181)).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** The kernel's host name (no resolver involved: reading it never waits on DNS). */
    static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
            if (!name.isEmpty()) return name;
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
