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
 * other address they need a bearer token: the admin token, or the read token when one is configured
 * (dashboards, Prometheus). Every POST needs the admin token, whoever calls. A read without
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

    /** Which token a request presented; journaled with an action (the role, never the token). */
    enum TokenRole {
        ADMIN, READ, NONE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A request's verdict: refused, or allowed with the role of the token it presented. */
    record Verdict(Optional<Denial> denial, TokenRole role) {
        static Verdict allowed(TokenRole role) {
            return new Verdict(Optional.empty(), role);
        }

        static Verdict denied(Denial d) {
            return new Verdict(Optional.of(d), TokenRole.NONE);
        }
    }

    private final Optional<SecretRef> token;
    private final Optional<SecretRef> readToken;
    private final String listenHost;

    Access(Optional<SecretRef> token, String listenHost) {
        this(token, Optional.empty(), listenHost);
    }

    Access(Optional<SecretRef> token, Optional<SecretRef> readToken, String listenHost) {
        this.token = token;
        this.readToken = readToken;
        this.listenHost = listenHost.toLowerCase(Locale.ROOT);
    }

    boolean tokenConfigured() {
        return token.isPresent();
    }

    /** Empty when the read may go ahead. */
    Optional<Denial> read(InetAddress client, String hostHeader, String authorization) {
        return readVerdict(client, hostHeader, authorization).denial();
    }

    /** Whether the read may go ahead, and with which token. */
    Verdict readVerdict(InetAddress client, String hostHeader, String authorization) {
        // With a token configured, a presented token is checked wherever the call comes from.
        if (authorization != null && (token.isPresent() || readToken.isPresent())) return checkEither(authorization);
        if (!client.isLoopbackAddress()) {
            return Verdict.denied(new Denial(401, "token_required", "read calls from other machines need a bearer token"
                    + (readToken.isPresent() ? " (the read or the admin token)" : "") + " (Authorization: Bearer TOKEN)"));
        }
        if (!localHost(hostHeader)) {
            return Verdict.denied(new Denial(403, "host_not_allowed",
                    "without the token, reads must address this machine (Host: localhost, 127.0.0.1 or [::1])"));
        }
        return Verdict.allowed(TokenRole.NONE);
    }

    /** The admin token first, then the read token: either lets a read through. */
    private Verdict checkEither(String authorization) {
        Optional<Denial> admin = token.isPresent() ? checkToken(authorization) : Optional.empty();
        if (token.isPresent() && admin.isEmpty()) return Verdict.allowed(TokenRole.ADMIN);
        if (readToken.isEmpty()) return Verdict.denied(admin.orElseThrow());
        Optional<Denial> read = check(readToken.get(), authorization, "read API token");
        return read.isEmpty() ? Verdict.allowed(TokenRole.READ) : Verdict.denied(read.get());
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
        Optional<Denial> denied = checkToken(authorization);
        if (denied.isPresent() && denied.get().status() == 403 && readToken.isPresent()
                && check(readToken.get(), authorization, "read API token").isEmpty()) {
            return Optional.of(new Denial(403, "read_only_token", "the read token cannot act: actions need the admin token"));
        }
        return denied;
    }

    private Optional<Denial> checkToken(String authorization) {
        if (token.isEmpty()) {
            return Optional.of(new Denial(403, "writes_disabled", "no API token is configured (server.token-file)"));
        }
        return check(token.get(), authorization, "API token");
    }

    private static Optional<Denial> check(SecretRef secret, String authorization, String what) {
        String given = bearer(authorization);
        if (given == null) {
            return Optional.of(new Denial(401, "token_required", "expected Authorization: Bearer TOKEN"));
        }
        String expected;
        try {
            expected = secret.resolve();
        } catch (SecretRef.SecretUnavailableException e) {
            LOG.error("the {} cannot be read: {}", what, e.getMessage());
            return Optional.of(new Denial(503, "token_unavailable", "the server cannot read its " + what + "; see its log"));
        }
        if (expected.isEmpty()) {
            LOG.error("the {} ({}) is empty: every token is refused", what, secret);
            return Optional.of(new Denial(503, "token_unavailable", "the server's " + what + " is empty; see its log"));
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
