package no.vakt.alert;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * The one place that decides whether a failed delivery is worth another attempt. Network trouble,
 * HTTP 408, 429 and 5xx, SMTP 4xx and a command that failed or hung: yes, the receiver may be back
 * soon. Other HTTP 4xx, SMTP 5xx, failed authentication, TLS refusals and a missing program: no,
 * the request or the config is wrong and repeating it changes nothing.
 */
final class Retryable {
    /** Longest Retry-After honoured: a server asking for more is treated as asking for this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private Retryable() {}

    static DeliveryException http(int status, String body, HttpHeaders headers) {
        boolean retry = status == 408 || status == 429 || status >= 500;
        String why = body == null || body.isBlank() ? "" : " " + oneLine(body, 200);
        return new DeliveryException("HTTP " + status + why, retry, retryAfter(headers).orElse(null), null);
    }

    static DeliveryException network(IOException e, String redactedMessage) {
        if (e instanceof SSLException) {
            // A certificate the JVM does not trust, or no common protocol: the config must change.
            return new DeliveryException("TLS: " + redactedMessage, false, null, null);
        }
        return new DeliveryException(redactedMessage, true, null, null);
    }

    static DeliveryException smtp(MessagingException e) {
        String msg = oneLine(String.valueOf(e.getMessage()), 300);
        if (e instanceof AuthenticationFailedException) {
            return new DeliveryException("SMTP authentication failed: " + msg, false, null, null);
        }
        if (e instanceof SMTPSendFailedException s) {
            return new DeliveryException("SMTP " + s.getReturnCode() + ": " + msg, s.getReturnCode() / 100 == 4, null, null);
        }
        if (e instanceof SendFailedException) {
            return new DeliveryException("SMTP refused the addresses: " + msg, false, null, null);
        }
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof IOException)) cause = cause.getCause();
        if (cause instanceof SSLException) {
            return new DeliveryException("SMTP TLS: " + oneLine(String.valueOf(cause.getMessage()), 300), false, null, null);
        }
        if (cause instanceof IOException io) {
            return new DeliveryException("SMTP connection: " + io.getClass().getSimpleName() + ": "
                    + oneLine(String.valueOf(io.getMessage()), 300), true, null, null);
        }
        // STARTTLS required but not offered, AUTH not supported, and other protocol refusals.
        return new DeliveryException("SMTP: " + msg, false, null, null);
    }

    static DeliveryException never(String message) {
        return new DeliveryException(message, false, null, null);
    }

    static DeliveryException transientFailure(String message) {
        return new DeliveryException(message, true, null, null);
    }

    /** Retry-After as seconds or an HTTP date (RFC 9110 10.2.3). */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        if (headers == null) return Optional.empty();
        return headers.firstValue("Retry-After").flatMap(v -> {
            String t = v.trim();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(t))));
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(t, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                    return Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (RuntimeException notDate) {
                    return Optional.empty();
                }
            }
        }).map(d -> d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
    }

    static String oneLine(String s, int max) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() <= max ? t : t.substring(0, max) + "...";
    }
}
