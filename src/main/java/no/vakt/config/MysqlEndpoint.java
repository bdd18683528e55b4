package no.vakt.config;

import java.nio.file.Path;

/**
 * How Vakt reaches a node's database as its administrative user. The password is a reference
 * ({@code password-file} or {@code password-env}), never a value.
 */
public record MysqlEndpoint(
        String host, Integer port, String user, Path passwordFile, String passwordEnv, PlainSecret password) {

    public MysqlEndpoint {
        port = port != null ? port : 3306;
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
