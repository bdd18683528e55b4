package no.vakt.db;

import no.vakt.config.AdminTls;

/**
 * How one admin session reached its node.
 *
 * @param setting the TLS setting it was opened with; the driver refuses to connect when a setting that
 *     encrypts cannot be met, so an open session with such a setting is encrypted (and, for verify-*,
 *     the certificate was verified)
 * @param protocol the server's Ssl_version for the session (TLSv1.3), null in plaintext or when not read
 * @param cipher the server's Ssl_cipher for the session, null in plaintext or when not read
 */
public record SessionTls(AdminTls setting, String protocol, String cipher) {
    public boolean encrypted() {
        return setting.encrypted();
    }

    /** "TLSv1.3 TLS_AES_256_GCM_SHA384", "encrypted" when the names were not read, "plaintext". */
    public String describe() {
        if (!encrypted()) return "plaintext";
        if (protocol == null || protocol.isBlank()) return "encrypted";
        return protocol + (cipher == null || cipher.isBlank() ? "" : " " + cipher);
    }
}
