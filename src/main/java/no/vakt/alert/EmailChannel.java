package no.vakt.alert;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import no.vakt.cluster.Severity;
import no.vakt.config.EmailChannelConfig;
import no.vakt.config.SecretRef;

/**
 * Mails the alert over SMTP (Angus Mail): STARTTLS as configured, AUTH when a user is given, the
 * server's certificate checked against its name ({@code mail.smtp.ssl.checkserveridentity}), and
 * timeouts on connect, read and write so a dead relay cannot hold the worker.
 */
final class EmailChannel extends Channel {
    private final EmailChannelConfig c;
    private final SSLSocketFactory tlsFactory;

    EmailChannel(String name, EmailChannelConfig c) {
        super(name, c);
        this.c = c;
        this.tlsFactory = c.tlsCa() == null ? null : trusting(c.tlsCa());
    }

    @Override
    void deliver(Alert alert, String id, Instant at) throws DeliveryException {
        String password = null;
        SecretRef ref = c.passwordRef();
        if (ref != null) {
            try {
                password = ref.resolve();
            } catch (SecretRef.SecretUnavailableException e) {
                throw Retryable.never("SMTP password unavailable: " + e.getMessage());
            }
        }
        Session session = Session.getInstance(properties());
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(c.from()));
            for (String to : c.to()) m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            m.setSubject(alert.headline(), "UTF-8");
            m.setText(AlertText.plain(alert, at), "UTF-8");
            m.setSentDate(Date.from(at));
            m.setHeader("X-Vakt-Delivery", id);
            m.setHeader("X-Vakt-Kind", alert.kind().label());
            // Mail clients and paging bridges sort on these.
            if (alert.severity() == Severity.CRITICAL) m.setHeader("Importance", "high");
            m.saveChanges();
            try (Transport t = session.getTransport("smtp")) {
                t.connect(c.host(), c.port(), c.username(), password);
                t.sendMessage(m, m.getAllRecipients());
            }
        } catch (MessagingException e) {
            throw Retryable.smtp(e);
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        String ms = Long.toString(c.timeout().toMillis());
        p.put("mail.smtp.connectiontimeout", ms);
        p.put("mail.smtp.timeout", ms);
        p.put("mail.smtp.writetimeout", ms);
        p.put("mail.smtp.auth", Boolean.toString(c.username() != null));
        switch (c.starttls()) {
            case REQUIRED -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            }
            case OPTIONAL -> p.put("mail.smtp.starttls.enable", "true");
            case OFF -> p.put("mail.smtp.starttls.enable", "false");
        }
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
        if (tlsFactory != null) p.put("mail.smtp.ssl.socketFactory", tlsFactory);
        return p;
    }

    /** A TLS socket factory that trusts exactly the CA certificates in the PEM file. */
    static SSLSocketFactory trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) throw new IllegalArgumentException("no certificate in " + pem);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA certificates in " + pem + ": " + e.getMessage(), e);
        }
    }
}
