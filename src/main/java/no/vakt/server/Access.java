package no.vakt.server;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import no.vakt.config.SecretRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call what. Reads (status, history, metrics) are open to clients on this machine; from any
 * other address they need the bearer token. Every POST needs the token, whoever calls. A read without
 * the token must also name this machine in its Host header: a web page elsewhere that re-points its
 * own DNS name at 127.0.0.1 (DNS rebinding) must not read the API through the operator's browser.
 *
 * <p>The token is read from its file or variable on every check (a rotated token applies at once) and
 * compared in constant time; it is never logged or echoed.
 */
final class Access {
    private static final Logger LOG = LoggerFactory.getLogger(Access.class);

    /** Why a request is refused: HTTP status and a message for the caller. */
    record Denial(int status, String error, String message) {}

    private final Optional<SecretRef> token;
    private final String listenHost;

    Access(Optional<SecretRef> token, String listenHost) {
        this.token = token;
        this.listenHost = listenHost.toLowerCase(Locale.ROOT);
    }

    boolean tokenConfigured() {
        return token.isPresent();
    }

    /** Empty when the read may go ahead. */
    Optional<Denial> read(InetAddress client, String hostHeader, String authorization) {
        // With a token configured, a presented token is checked wherever the call comes from.
        if (authorization != null && token.isPresent()) return checkToken(authorization);
        if (!client.isLoopbackAddress()) {
            return Optional.of(new Denial(401, "token_required",
                    "read calls from other machines need the bearer token (Authorization: Bearer TOKEN)"));
        }
        if (!localHost(hostHeader)) {
            return Optional.of(new Denial(403, "host_not_allowed",
                    "without the token, reads must address this machine (Host: localhost, 127.0.0.1 or [::1])"));
        }
        return Optional.empty();
    }

    /** Empty when the POST may go ahead. */
    Optional<Denial> write(String authorization) {
        if (token.isEmpty()) {
            return Optional.of(new Denial(403, "writes_disabled",
                    "operator actions are disabled: set server.token-file (or token-env) in vakt.yml"));
        }
        if (authorization == null) {
            return Optional.of(new Denial(401, "token_required",
                    "operator actions need the bearer token (Authorization: Bearer TOKEN)"));
        }
        return checkToken(authorization);
    }

    private Optional<Denial> checkToken(String authorization) {
        if (token.isEmpty()) {
            return Optional.of(new Denial(403, "writes_disabled", "no API token is configured (server.token-file)"));
        }
        String given = bearer(authorization);
        if (given == null) {
            return Optional.of(new Denial(401, "token_required", "expected Authorization: Bearer TOKEN"));
        }
        String expected;
        try {
            expected = token.get().resolve();
        } catch (SecretRef.SecretUnavailableException e) {
            LOG.error("the API token cannot be read: {}", e.getMessage());
            return Optional.of(new Denial(503, "token_unavailable", "the server cannot read its API token; see its log"));
        }
        if (expected.isEmpty()) {
            LOG.error("the API token ({}) is empty: every token is refused", token.get());
            return Optional.of(new Denial(503, "token_unavailable", "the server's API token is empty; see its log"));
        }
        if (!constantTimeEquals(given, expected)) {
            return Optional.of(new Denial(403, "invalid_token", "the bearer token is wrong"));
        }
        return Optional.empty();
    }

    private static String bearer(String authorization) {
        String a = authorization.trim();
        if (a.length() < 7 || !a.substring(0, 7).equalsIgnoreCase("bearer ")) return null;
        String t = a.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    /** Hashing first makes the comparison independent of where the strings differ and of their lengths. */
    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(sha256(a), sha256(b));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private boolean localHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) return false;
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? h : h.substring(1, end);
        } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
            h = h.substring(0, h.indexOf(':'));
        }
        return h.equals("localhost") || h.equals("::1") || h.equals(listenHost)
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
