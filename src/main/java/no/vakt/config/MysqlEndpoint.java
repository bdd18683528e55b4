package no.vakt.config;

import java.nio.file.Path;

/**
 * How Vakt reaches a node's database as its administrative user. The password is a reference
 * ({@code password-file} or {@code password-env}), never a value. {@code tls} is the setting in
 * effect: the node's own {@code tls:} section, else {@code replication.tls} when enabled, else
 * plaintext (see {@link AdminTls}).
 */
public record MysqlEndpoint(
        String host, Integer port, String user, Path passwordFile, String passwordEnv, PlainSecret password,
        AdminTls tls) {

    public MysqlEndpoint {
        port = port != null ? port : 3306;
        tls = tls != null ? tls : AdminTls.NONE;
    }

    /** Without TLS (tests and hand-made endpoints). */
    public MysqlEndpoint(String host, Integer port, String user, Path passwordFile, String passwordEnv, PlainSecret password) {
        this(host, port, user, passwordFile, passwordEnv, password, AdminTls.NONE);
    }

    /** The same endpoint with another TLS setting. */
    public MysqlEndpoint withTls(AdminTls other) {
        return new MysqlEndpoint(host, port, user, passwordFile, passwordEnv, password, other);
    }

    public SecretRef secret() {
        return passwordFile != null ? SecretRef.ofFile(passwordFile) : SecretRef.ofEnv(passwordEnv);
    }

    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return user + "@" + address();
    }
}
