package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * How Vakt's own connection to a node uses TLS. The names and meanings are MariaDB Connector/J's
 * {@code sslMode}, which does the work; none of them falls back to plaintext.
 */
public enum TlsMode {
    /** Plaintext: the login handshake and every statement (passwords in CHANGE MASTER included) readable on the path. */
    @JsonProperty("disable") DISABLE,
    /** Encrypted, but any certificate is accepted: protects against listening, not against impersonation. */
    @JsonProperty("trust") TRUST,
    /** Encrypted; the certificate must chain to the CA. The host name is not checked. */
    @JsonProperty("verify-ca") VERIFY_CA,
    /** Encrypted; the certificate must chain to the CA and name the host Vakt connects to (IP or DNS SAN). */
    @JsonProperty("verify-full") VERIFY_FULL;

    /** The config (and Connector/J) spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean encrypts() {
        return this != DISABLE;
    }

    /** True when the server's certificate is checked against a CA. */
    public boolean verifies() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }
}
