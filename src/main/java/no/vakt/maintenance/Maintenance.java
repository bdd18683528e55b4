package no.vakt.maintenance;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.Durations;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;

/**
 * Maintenance mode: {@code vakt pause} / {@code vakt resume}. The state lives in the journal only (the
 * newest {@link EventKind#MAINTENANCE} event of the cluster), so the daemon, {@code vakt status} and a
 * second daemon sharing the journal read the same answer, and a pause ends by itself at its
 * {@code until}, measured with the injected clock.
 */
public final class Maintenance {
    /** {@code vakt pause} without {@code --for}. */
    public static final Duration DEFAULT_LENGTH = Duration.ofHours(1);
    /** A pause is a maintenance window, never a way to switch failover off for good. */
    public static final Duration MAX_LENGTH = Duration.ofDays(7);
    static final int MAX_REASON = 500;

    private final Journal journal;
    private final String cluster;
    private final Clock clock;

    public Maintenance(Journal journal, String cluster, Clock clock) {
        this.journal = journal;
        this.cluster = cluster;
        this.clock = clock;
    }

    /** The pause in force now, if any. */
    public Optional<Pause> active() {
        return active(journal.latest(EventKind.MAINTENANCE, cluster), clock.instant());
    }

    /** Pure: the pause the newest maintenance event leaves in force at {@code now}. */
    static Optional<Pause> active(Optional<JournalEvent> latest, Instant now) {
        if (latest.isEmpty()) return Optional.empty();
        JsonNode d = latest.get().details();
        if (!"pause".equals(d.path("action").asText())) return Optional.empty();
        Instant until;
        try {
            until = Instant.parse(d.path("until").asText());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        if (!until.isAfter(now)) return Optional.empty();
        return Optional.of(new Pause(latest.get().at(), until, text(d, "reason"), text(d, "by"), text(d, "token_role")));
    }

    /**
     * Pauses automatic failover for {@code length} (replacing a pause in force) and journals who and why.
     *
     * @throws IllegalArgumentException when the length is not positive or above {@link #MAX_LENGTH}, or the
     *     reason is too long
     */
    public Pause pause(Duration length, String reason, Actor who) {
        if (length == null || length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("for: expected a positive duration such as 30m");
        }
        if (length.compareTo(MAX_LENGTH) > 0) {
            throw new IllegalArgumentException("for: at most " + Durations.format(MAX_LENGTH) + "; pause again to extend");
        }
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (why != null && why.length() > MAX_REASON) {
            throw new IllegalArgumentException("reason: at most " + MAX_REASON + " characters");
        }
        Instant now = clock.instant();
        Pause p = new Pause(now, now.plus(length), why, who.name(), who.tokenRole());
        Map<String, Object> details = details("pause", who);
        details.put("until", p.until().toString());
        details.put("for_ms", length.toMillis());
        details.put("reason", why);
        journal.append(EventKind.MAINTENANCE, cluster, null, "automatic failover paused " + p.describe(), details);
        return p;
    }

    /** Ends the pause in force and journals it; empty (nothing journaled) when none was. */
    public Optional<Pause> resume(Actor who) {
        Optional<Pause> ended = active();
        if (ended.isEmpty()) return Optional.empty();
        journal.append(EventKind.MAINTENANCE, cluster, null, "automatic failover resumed by " + who.name(),
                details("resume", who));
        return ended;
    }

    private static Map<String, Object> details(String action, Actor who) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("action", action);
        d.put("by", who.name());
        d.put("token_role", who.tokenRole());
        return d;
    }

    private static String text(JsonNode d, String key) {
        JsonNode v = d.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
