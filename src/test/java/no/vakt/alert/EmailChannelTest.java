package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Severity;
import no.vakt.config.AlertsConfig;
import no.vakt.config.EmailChannelConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.lab.TlsCerts;
import no.vakt.testing.Loopback;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail to GreenMail (in-process SMTP with AUTH) through a STARTTLS front with a real certificate for
 * 127.0.44.3, signed by a private CA the channel is told to trust.
 */
class EmailChannelTest {
    private static final String ADDRESS = "127.0.44.3";
    private static final String PASSWORD = "smtp-pw-93b1c";
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(Loopback.freePort(ADDRESS), ADDRESS, "smtp"))
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("vakt@example.no", "vakt", PASSWORD));

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    /** One CA and server certificate for the class: openssl's key generation is the slow part. */
    private static TlsCerts certs;
    private StartTlsFront front;
    private Path passwordFile;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TlsCerts.create(shared.resolve("tls"), List.of(ADDRESS));
    }

    @BeforeEach
    void setUp() throws Exception {
        front = new StartTlsFront(ADDRESS, certs.cert(), certs.key(), ADDRESS, SMTP.getSmtp().getPort());
        passwordFile = tmp.resolve("smtp.pw");
        Files.writeString(passwordFile, PASSWORD + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        front.close();
    }

    private EmailChannelConfig mail(int port, EmailChannelConfig.StartTls starttls, Path password, Path ca) {
        return new EmailChannelConfig("ops-mail", null, ADDRESS, port, starttls, "vakt", password, null, null,
                "vakt@example.no", List.of("ops@example.no", "dba@example.no"), ca, Duration.ofSeconds(5));
    }

    private static Alert approval() {
        return new Alert(Severity.CRITICAL, "shop", "primary oslo-db is down", "3 probes failed; standby IO thread Connecting",
                "approve with: vakt promote --confirm", AlertKind.APPROVAL_NEEDED, "oslo-db", null);
    }

    @Test
    void aMailGoesOutOverStartTlsWithAuthAndCarriesTheApproveLink() throws Exception {
        ManualClock clock = new ManualClock(T0);
        try (Journal journal = new Journal(tmp.resolve("journal.db"), clock)) {
            AlertsConfig settings = new AlertsConfig(List.of(mail(front.port(), EmailChannelConfig.StartTls.REQUIRED,
                    passwordFile, certs.ca())), java.net.URI.create("https://vakt.example.no/#approve"), null, 3, 10);
            AlertDispatcher d = new AlertDispatcher(AlertSinks.channels(settings, clock), settings, journal, clock,
                    new RecordingSleeper(), AlertSinks.deliveryRetries(3), new NoOpAlertSink(), Duration.ofSeconds(10));
            d.send(approval());
            d.close();

            assertThat(SMTP.waitForIncomingEmail(5000, 2)).isTrue();
            MimeMessage m = SMTP.getReceivedMessages()[0];
            assertThat(m.getSubject()).isEqualTo("[CRITICAL] shop: primary oslo-db is down");
            assertThat(m.getFrom()[0].toString()).isEqualTo("vakt@example.no");
            assertThat(List.of(m.getAllRecipients())).extracting(Object::toString)
                    .containsExactly("ops@example.no", "dba@example.no");
            assertThat(m.getHeader("X-Vakt-Kind")[0]).isEqualTo("approval-needed");
            String body = GreenMailUtil.getBody(m);
            assertThat(body).contains("What Vakt saw: 3 probes failed").contains("approve with: vakt promote --confirm")
                    .contains("Dashboard: https://vakt.example.no/#approve");
            assertThat(front.clearTextCommands).as("nothing but EHLO and STARTTLS in clear")
                    .allMatch(c -> c.startsWith("EHLO") || c.equals("STARTTLS")).contains("STARTTLS");
            JournalEvent e = journal.history(20).stream().filter(x -> x.kind() == EventKind.ALERT_DELIVERY).findFirst()
                    .orElseThrow();
            assertThat(e.details().get("outcome").asText()).isEqualTo("delivered");
            assertThat(e.details().get("channel").asText()).isEqualTo("ops-mail");
        }
    }

    @Test
    void aWrongPasswordFailsWithoutRetry() throws Exception {
        Path wrong = tmp.resolve("wrong.pw");
        Files.writeString(wrong, "not-the-password");
        EmailChannel c = new EmailChannel("ops-mail", mail(front.port(), EmailChannelConfig.StartTls.REQUIRED, wrong, certs.ca()));
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> c.deliver(approval(), "id", T0));
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).startsWith("SMTP authentication failed").doesNotContain("not-the-password");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void requiredStartTlsRefusesAServerThatDoesNotOfferIt() {
        EmailChannel c = new EmailChannel("ops-mail", mail(SMTP.getSmtp().getPort(), EmailChannelConfig.StartTls.REQUIRED,
                passwordFile, certs.ca()));
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> c.deliver(approval(), "id", T0));
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("STARTTLS");
        assertThat(SMTP.getReceivedMessages()).as("the password and the alert never went in clear").isEmpty();
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefused() {
        EmailChannel c = new EmailChannel("ops-mail", mail(front.port(), EmailChannelConfig.StartTls.REQUIRED, passwordFile, null));
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> c.deliver(approval(), "id", T0));
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).startsWith("SMTP TLS");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void aRelayThatIsNotListeningIsRetryable() throws Exception {
        int closed = Loopback.freePort(ADDRESS);
        EmailChannel c = new EmailChannel("ops-mail", mail(closed, EmailChannelConfig.StartTls.REQUIRED, passwordFile, certs.ca()));
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> c.deliver(approval(), "id", T0));
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).startsWith("SMTP connection");
    }
}
