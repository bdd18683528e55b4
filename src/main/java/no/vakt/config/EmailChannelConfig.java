package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import no.vakt.cluster.Severity;

/**
 * Mail over SMTP (submission, port 587 by default) with STARTTLS and AUTH. {@code tls-ca} is a PEM
 * file of CA certificates to trust instead of the JVM's (for a private mail relay); the server's
 * name is always checked against its certificate.
 */
public record EmailChannelConfig(String name, Severity minSeverity, String host, Integer port, StartTls starttls,
        String username, Path passwordFile, String passwordEnv, PlainSecret password, String from, List<String> to,
        Path tlsCa, Duration timeout) implements ChannelConfig {

    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");

    /** Whether the connection must, may or must not be upgraded to TLS. */
    public enum StartTls {
        /** Fail when the server does not offer STARTTLS: the password and the alert never go in clear. */
        @JsonProperty("required") REQUIRED,
        /** Upgrade when offered, else send in clear. */
        @JsonProperty("optional") OPTIONAL,
        /** Never upgrade (a relay on localhost). */
        @JsonProperty("off") OFF
    }

    public EmailChannelConfig {
        minSeverity = minSeverity != null ? minSeverity : Severity.INFO;
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host: expected the SMTP server's name");
        port = port != null ? port : 587;
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port: expected a port between 1 and 65535");
        starttls = starttls != null ? starttls : StartTls.REQUIRED;
        SecretRef pw = SecretRef.given("password", passwordFile, passwordEnv, password, false);
        if (pw != null && (username == null || username.isBlank())) {
            throw new IllegalArgumentException("username: expected the SMTP user for password-file/password-env");
        }
        if (username != null && pw == null) {
            throw new IllegalArgumentException("expected password-file: PATH or password-env: VARIABLE with username");
        }
        if (from == null || !ADDRESS.matcher(from).matches()) {
            throw new IllegalArgumentException("from: expected the sender's address, like vakt@example.no");
        }
        to = to != null ? List.copyOf(new ArrayList<>(to)) : List.of();
        if (to.isEmpty()) throw new IllegalArgumentException("to: expected a list of at least one address");
        for (String a : to) {
            if (a == null || !ADDRESS.matcher(a).matches()) {
                throw new IllegalArgumentException("to: expected addresses like ops@example.no; got '" + a + "'");
            }
        }
        timeout = ChannelConfig.positive(timeout, Duration.ofSeconds(20), "timeout");
    }

    /** The SMTP password, null without AUTH. */
    public SecretRef passwordRef() {
        return SecretRef.given("password", passwordFile, passwordEnv, null, false);
    }

    @Override
    public String type() {
        return "email";
    }

    @Override
    public List<Secret> secrets() {
        SecretRef pw = passwordRef();
        return pw == null ? List.of() : List.of(new Secret("SMTP password of " + username, pw));
    }
}
