package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The config's {@code server:} section: the HTTP API, dashboard and {@code /metrics} that {@code vakt run}
 * serves.
 *
 * <pre>
 * server:
 *   enabled: true                 # default true
 *   listen: 127.0.0.1:8787        # default; HOST:PORT, [IPv6]:PORT
 *   token-file: secrets/api.token # admin bearer token: POST calls (or token-env: VARIABLE); none: POST disabled
 *   read-token-file: secrets/read.token # optional read-only token for dashboards and scrapes (or read-token-env)
 *   node: oslo-db                 # optional: the database node next to this daemon, for /health/primary|standby
 *   tls:                          # optional: HTTPS with these PEM files
 *     cert: tls/server.pem
 *     key: tls/server.key
 * </pre>
 *
 * Checks that need only this section are made here, so a mistake names {@code server} with the key.
 */
public record ServerConfig(
        Boolean enabled,
        String listen,
        Path tokenFile,
        String tokenEnv,
        PlainSecret token,
        ServerTls tls,
        Path readTokenFile,
        String readTokenEnv,
        String node) {
    public static final String DEFAULT_LISTEN = "127.0.0.1:8787";
    public static final ServerConfig DEFAULT = new ServerConfig(null, null, null, null, null, null);

    /** Without a read token and a node (the keys before they existed). */
    public ServerConfig(Boolean enabled, String listen, Path tokenFile, String tokenEnv, PlainSecret token, ServerTls tls) {
        this(enabled, listen, tokenFile, tokenEnv, token, tls, null, null, null);
    }

    public ServerConfig {
        enabled = enabled == null || enabled;
        listen = listen != null ? listen.trim() : DEFAULT_LISTEN;
        if (token != null) {
            throw new IllegalArgumentException(
                    "token: secrets are given by reference only; use token-file: PATH or token-env: VARIABLE");
        }
        if (tokenFile != null && tokenEnv != null) {
            throw new IllegalArgumentException("token-env: expected either token-file or token-env, not both");
        }
        if (tokenEnv != null && tokenEnv.isBlank()) {
            throw new IllegalArgumentException("token-env: expected the name of an environment variable");
        }
        if (readTokenFile != null && readTokenEnv != null) {
            throw new IllegalArgumentException("read-token-env: expected either read-token-file or read-token-env, not both");
        }
        if (readTokenEnv != null && readTokenEnv.isBlank()) {
            throw new IllegalArgumentException("read-token-env: expected the name of an environment variable");
        }
        if (node != null && node.isBlank()) {
            throw new IllegalArgumentException("node: expected the name of a node in nodes:");
        }
        ListenAddress.parse(listen); // fails with the expected form
    }

    /** Where to listen. */
    @JsonIgnore
    public ListenAddress address() {
        return ListenAddress.parse(listen);
    }

    /** The bearer token's reference; empty when none is configured (then every POST is refused). */
    @JsonIgnore
    public Optional<SecretRef> tokenSecret() {
        if (tokenFile != null) return Optional.of(SecretRef.ofFile(tokenFile));
        if (tokenEnv != null) return Optional.of(SecretRef.ofEnv(tokenEnv));
        return Optional.empty();
    }

    /** The read-only token's reference; empty when none is configured (then reads are as without it). */
    @JsonIgnore
    public Optional<SecretRef> readTokenSecret() {
        if (readTokenFile != null) return Optional.of(SecretRef.ofFile(readTokenFile));
        if (readTokenEnv != null) return Optional.of(SecretRef.ofEnv(readTokenEnv));
        return Optional.empty();
    }

    /** PEM certificate (chain) and private key for HTTPS. Both are required. */
    public record ServerTls(Path cert, Path key) {
        public ServerTls {
            if (cert == null || key == null) {
                throw new IllegalArgumentException("tls: expected cert: PEM-FILE and key: PEM-FILE together");
            }
        }
    }
}
