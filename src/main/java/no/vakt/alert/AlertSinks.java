package no.vakt.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Severity;
import no.vakt.cluster.Sleeper;
import no.vakt.config.AlertsConfig;
import no.vakt.config.ChannelConfig;
import no.vakt.config.CommandChannelConfig;
import no.vakt.config.EmailChannelConfig;
import no.vakt.config.SlackChannelConfig;
import no.vakt.config.VaktConfig;
import no.vakt.config.WebhookChannelConfig;
import no.vakt.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the alert sink the commands use from the config's {@code alerts:} section. */
public final class AlertSinks {
    private static final Logger LOG = LoggerFactory.getLogger(AlertSinks.class);
    /** How long closing waits for queued alerts: long enough for a retry or two, short enough for a CLI. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private AlertSinks() {}

    /**
     * A started dispatcher for every configured channel, also logging each alert. With no channels it
     * still logs and journals. Close it before the journal.
     */
    public static AlertDispatcher fromConfig(VaktConfig config, Journal journal, Clock clock) {
        AlertsConfig a = config.alerts();
        return new AlertDispatcher(channels(a, clock), a, journal, clock, Sleeper.REAL,
                deliveryRetries(a.maxAttempts()), new LoggingAlertSink(), DRAIN_TIMEOUT);
    }

    /** How one channel answered {@code vakt alert test}. */
    public record TestResult(String channel, String type, String outcome, int attempts, String error) {}

    /**
     * Sends one INFO test alert to every channel (min-severity ignored), waits up to {@code timeout}
     * for all answers, and returns them in config order. Journaled like any alert.
     */
    public static List<TestResult> test(VaktConfig config, Journal journal, Clock clock, Duration timeout) {
        AlertsConfig a = config.alerts();
        java.util.Map<String, TestResult> results = new java.util.concurrent.ConcurrentHashMap<>();
        List<Channel> channels = channels(a, clock);
        // A test wants a quick answer: at most 3 attempts (1 s and 2 s apart).
        AlertDispatcher d = new AlertDispatcher(channels, a, journal, clock, Sleeper.REAL,
                deliveryRetries(Math.min(a.maxAttempts(), 3)), new LoggingAlertSink(), timeout);
        try {
            d.sendToEveryChannel(new Alert(Severity.INFO, config.cluster(), "test alert from vakt alert test",
                    "sent by an operator to check this channel", "nothing to do", AlertKind.TEST, null),
                    o -> results.put(o.channel(), new TestResult(o.channel(), o.type(), o.result().label(), o.attempts(),
                            o.error())));
        } finally {
            d.close();
        }
        List<TestResult> out = new ArrayList<>();
        for (Channel c : channels) {
            out.add(results.getOrDefault(c.name(), new TestResult(c.name(), c.type(), "no answer", 0,
                    "no outcome within " + timeout.toSeconds() + " s")));
        }
        return out;
    }

    /**
     * One channel per entry. A channel that cannot be built (an unreadable CA file) still appears, failing
     * every delivery with the reason, so the journal shows it instead of the daemon refusing to start.
     */
    static List<Channel> channels(AlertsConfig a, Clock clock) {
        HttpSender http = new HttpSender(HttpSender.newClient());
        List<Channel> out = new ArrayList<>();
        for (int i = 0; i < a.channels().size(); i++) {
            ChannelConfig c = a.channels().get(i);
            String name = a.nameOf(i);
            try {
                out.add(build(name, c, http, clock));
            } catch (RuntimeException e) {
                LOG.error("alert channel {} is not usable: {}", name, e.getMessage());
                out.add(new Unusable(name, c, e.getMessage()));
            }
        }
        return out;
    }

    private static Channel build(String name, ChannelConfig c, HttpSender http, Clock clock) {
        if (c instanceof SlackChannelConfig s) return new SlackChannel(name, s, http);
        if (c instanceof WebhookChannelConfig w) return new WebhookChannel(name, w, http, clock);
        if (c instanceof EmailChannelConfig m) return new EmailChannel(name, m);
        if (c instanceof CommandChannelConfig x) return new CommandChannel(name, x);
        throw new IllegalArgumentException("unknown channel type " + c.type());
    }

    private static final class Unusable extends Channel {
        private final String reason;

        Unusable(String name, ChannelConfig config, String reason) {
            super(name, config);
            this.reason = reason;
        }

        @Override
        void deliver(Alert alert, String id, Instant at) throws DeliveryException {
            throw Retryable.never("channel not usable: " + reason);
        }
    }

    /**
     * 1 s, 2 s, 4 s, 8 s ... capped at a minute, each wait jittered between half and all of it: a webhook
     * that restarts is back within that, and channels behind one proxy do not retry in step.
     */
    static RetryPolicy deliveryRetries(int maxAttempts) {
        return new RetryPolicy(maxAttempts, Duration.ofSeconds(1), Duration.ofMinutes(1), Math::random);
    }
}
