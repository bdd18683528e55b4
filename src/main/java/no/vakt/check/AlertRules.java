package no.vakt.check;

import java.util.ArrayList;
import java.util.List;
import no.vakt.config.AlertsConfig;
import no.vakt.config.ChannelConfig;
import no.vakt.config.EmailChannelConfig;
import no.vakt.config.FailoverMode;
import no.vakt.config.LoopbackHost;
import no.vakt.config.VaktConfig;
import no.vakt.config.WebhookChannelConfig;

/**
 * Checks of the {@code alerts:} section. Secret files and variables of the channels are checked with
 * the other secrets ({@code secret-unreadable}); these rules judge the config itself.
 */
final class AlertRules {
    private AlertRules() {}

    static List<Finding> channels(VaktConfig config, Observations o) {
        AlertsConfig a = config.alerts();
        List<Finding> out = new ArrayList<>();
        if (a.channels().isEmpty()) {
            out.add(Finding.warning("alert-channels", null,
                    "no alert channels: a failover or a dead primary is only logged and journaled",
                    "add a channel under alerts: (slack, webhook, email or command)"));
            return out;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < a.channels().size(); i++) {
            ChannelConfig c = a.channels().get(i);
            names.add(a.nameOf(i) + " (" + c.type() + (c.minSeverity().ordinal() > 0 ? ", " + c.minSeverity() + "+" : "") + ")");
            if (c instanceof EmailChannelConfig m && m.username() != null && m.starttls() != EmailChannelConfig.StartTls.REQUIRED) {
                out.add(Finding.warning("alert-email-tls", null, "alert channel " + a.nameOf(i) + " may send the SMTP password"
                        + " in clear (starttls: " + m.starttls().name().toLowerCase() + ")", "set starttls: required"));
            }
            if (c instanceof WebhookChannelConfig w && "http".equals(w.url().getScheme()) && !LoopbackHost.is(w.url().getHost())) {
                out.add(Finding.warning("alert-webhook-tls", null, "alert channel " + a.nameOf(i) + " posts alerts over plain"
                        + " http to " + w.url().getHost() + " (signed, but readable on the way)", "use an https:// URL"));
            }
        }
        out.add(Finding.ok("alert-channels", null, "alerts go to " + String.join(", ", names)));
        if (config.policy().failover() == FailoverMode.MANUAL && a.approveUrl() == null) {
            out.add(Finding.info("alert-approve-url", null, "manual mode: alerts carry the approve command;"
                    + " set alerts.approve-url to add the dashboard link"));
        }
        return out;
    }
}
