package no.vakt.config;

import java.nio.file.Path;

/** TLS for the replication channel; files are PEM. */
public record Tls(Boolean enabled, Path ca, Path cert, Path key, Boolean verifyServerCert) {
    public static final Tls OFF = new Tls(false, null, null, null, null);

    public Tls {
        enabled = enabled != null ? enabled : true;
        verifyServerCert = verifyServerCert != null ? verifyServerCert : ca != null;
    }
}
