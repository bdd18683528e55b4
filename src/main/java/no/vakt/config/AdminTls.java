package no.vakt.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS of Vakt's own (administrative) connection to one node, as in effect after defaults: the node's
 * {@code mysql.tls} when it has one, else {@code replication.tls} when that is enabled (same CA), else
 * plaintext. Over this connection go the admin login, {@code CHANGE MASTER ... MASTER_PASSWORD} and
 * the replication account's password hash, so it is at least as sensitive as the replication channel.
 *
 * @param mode what the connection requires; never weaker than asked (no fallback to plaintext)
 * @param ca PEM file with the CA certificate(s) the server's certificate must chain to; null with
 *     {@code verify-*} means the JVM's trusted CAs
 * @param source where the setting comes from
 * @param origin that place in words, for messages ("sites[0].nodes[1].mysql.tls at /etc/vakt/vakt.yml:31")
 */
public record AdminTls(TlsMode mode, Path ca, Source source, String origin) {
    /** Where an admin connection's TLS setting comes from. */
    public enum Source {
        /** The node's own {@code mysql.tls}. */
        NODE,
        /** The node has no {@code mysql.tls}; {@code replication.tls} is enabled and is followed. */
        REPLICATION,
        /** Neither is set: plaintext by default. */
        DEFAULT
    }

    /** Plaintext because nothing asks for TLS. */
    public static final AdminTls NONE =
            new AdminTls(TlsMode.DISABLE, null, Source.DEFAULT, "no mysql.tls and replication.tls off");

    public AdminTls {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(source, "source");
        origin = origin != null ? origin : source == Source.NODE ? "mysql.tls" : "replication.tls";
    }

    /** A node's own {@code mysql.tls}: verify-full unless a mode is given. */
    static AdminTls ofNode(TlsMode mode, Path ca, String origin) {
        return new AdminTls(mode != null ? mode : TlsMode.VERIFY_FULL, ca, Source.NODE, origin);
    }

    /**
     * What a node without {@code mysql.tls} follows: the replication channel's setting, in Connector/J's
     * words. {@code verify-server-cert} (the MariaDB replica's chain-and-host-name check) is verify-full;
     * a CA without it is verify-ca (libmariadb checks the chain whenever a CA is given); TLS without a CA
     * and without verification is trust. Replication's client certificate is the replica's, not Vakt's,
     * and is not used here.
     */
    public static AdminTls following(Tls replication, String origin) {
        if (replication == null || !replication.enabled()) return NONE;
        TlsMode mode = replication.verifyServerCert() ? TlsMode.VERIFY_FULL
                : replication.ca() != null ? TlsMode.VERIFY_CA : TlsMode.TRUST;
        return new AdminTls(mode, mode.verifies() ? replication.ca() : null, Source.REPLICATION, origin);
    }

    public boolean encrypted() {
        return mode.encrypts();
    }

    /** The mode and what it checks against, for messages: "verify-full against CA /etc/vakt/ca.pem". */
    public String describe() {
        return switch (mode) {
            case DISABLE -> "disable (plaintext)";
            case TRUST -> "trust (encrypted, certificate not checked)";
            case VERIFY_CA, VERIFY_FULL -> mode.label() + " against " + (ca != null ? "CA " + ca : "the JVM's trusted CAs");
        };
    }

    /**
     * Why {@code ca} cannot serve as a CA file, empty when it can: it must be a readable file holding at
     * least one PEM (or DER) X.509 certificate.
     */
    public static Optional<String> caProblem(Path ca) {
        Optional<String> access = unreadable(ca);
        if (access.isPresent()) return access;
        try (InputStream in = Files.newInputStream(ca)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                return Optional.of(ca + " holds no certificate");
            }
            return Optional.empty();
        } catch (CertificateException e) {
            return Optional.of(ca + " is not a PEM certificate file (" + e.getMessage() + ")");
        } catch (IOException e) {
            return Optional.of(ca + " cannot be read: " + e.getMessage());
        }
    }

    /** The cheap part of {@link #caProblem}: the file exists, is a file and can be read. */
    public static Optional<String> unreadable(Path ca) {
        if (!Files.exists(ca)) return Optional.of(ca + " does not exist");
        if (Files.isDirectory(ca)) return Optional.of(ca + " is a directory");
        if (!Files.isReadable(ca)) return Optional.of(ca + " is not readable by this user");
        return Optional.empty();
    }
}
