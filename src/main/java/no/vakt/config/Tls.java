package no.vakt.config;

import java.nio.file.Path;

/** TLS for the replication channel; files are PEM. */
public record Tls(Boolean enabled, Path ca, Path cert, Path key, Boolean verifyServerCert) {
    public static final Tls OFF = new Tls(false, null, null, null, null);

    /**
     * Plaintext written down ({@code tls: {enabled: false}}, say for a channel inside a VPN), as opposed to no
     * {@code tls:} section at all ({@link #OFF}): the preflight then warns instead of failing across sites.
     */
    public boolean plaintextChosen() {
        return !enabled && this != OFF;
    }

    public Tls {
        enabled = enabled != null ? enabled : true;
        verifyServerCert = verifyServerCert != null ? verifyServerCert : ca != null;
    }
}
