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
 * Maintenance mode: {@code vakt pause} / {@code vakt resume}. The state lives in the journal (the
 * newest {@link EventKind#MAINTENANCE} event of the cluster), so the daemon, {@code vakt status} and a
 * second daemon sharing the journal read the same answer (with agents also in ZooKeeper: {@link #share}), and a pause ends by itself at its
 * {@code until}, measured with the injected clock.
 */
public final class Maintenance {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Maintenance.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = no.vakt.journal.JournalJson.mapper();
    /** {@code vakt pause} without {@code --for}. */
    public static final Duration DEFAULT_LENGTH = Duration.ofHours(1);
    /** A pause is a maintenance window, never a way to switch failover off for good. */
    public static final Duration MAX_LENGTH = Duration.ofDays(7);
    static final int MAX_REASON = 500;

    private final Journal journal;
    private final String cluster;
    private final Clock clock;
    private volatile PauseStore shared;

    public Maintenance(Journal journal, String cluster, Clock clock) {
        this.journal = journal;
        this.cluster = cluster;
        this.clock = clock;
    }

    /**
     * With agents: every pause and resume is also written to {@code store}, and the newest of the journal's and the
     * store's is in force, so a pause set through any agent holds on all of them.
     */
    public Maintenance share(PauseStore store) {
        this.shared = store;
        return this;
    }

    /** The pause in force now, if any. */
    public Optional<Pause> active() {
        Optional<JournalEvent> local = journal.latest(EventKind.MAINTENANCE, cluster);
        Optional<Change> newest = local.map(e -> new Change(e.at(), e.details()));
        Optional<Change> everyAgent = sharedLatest();
        if (everyAgent.isPresent() && (newest.isEmpty() || everyAgent.get().at().isAfter(newest.get().at()))) newest = everyAgent;
        return newest.flatMap(c -> active(c, clock.instant()));
    }

    /** A pause or resume: when, and the details the journal event carries. */
    private record Change(Instant at, JsonNode details) {}

    /** Pure: the pause the newest pause or resume leaves in force at {@code now}. */
    private static Optional<Pause> active(Change latest, Instant now) {
        JsonNode d = latest.details();
        if (!"pause".equals(d.path("action").asText())) return Optional.empty();
        Instant until;
        try {
            until = Instant.parse(d.path("until").asText());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        if (!until.isAfter(now)) return Optional.empty();
        return Optional.of(new Pause(latest.at(), until, text(d, "reason"), text(d, "by"), text(d, "token_role")));
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
        publish(now, details);
        return p;
    }

    /** Ends the pause in force and journals it; empty (nothing journaled) when none was. */
    public Optional<Pause> resume(Actor who) {
        Optional<Pause> ended = active();
        if (ended.isEmpty()) return Optional.empty();
        Map<String, Object> details = details("resume", who);
        journal.append(EventKind.MAINTENANCE, cluster, null, "automatic failover resumed by " + who.name(), details);
        publish(clock.instant(), details);
        return ended;
    }

    private Optional<Change> sharedLatest() {
        PauseStore store = shared;
        if (store == null) return Optional.empty();
        try {
            Optional<String> json = store.latest();
            if (json.isEmpty()) return Optional.empty();
            JsonNode d = JSON.readTree(json.get());
            return Optional.of(new Change(Instant.parse(d.path("at").asText()), d));
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            // Without the shared state this agent has no authority either: the journal's answer stands meanwhile.
            LOG.warn("the cluster's pause state is not readable: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Shares a pause or resume; one the store did not take holds here only, and says so. */
    private void publish(Instant at, Map<String, Object> details) {
        PauseStore store = shared;
        if (store == null) return;
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("at", at.toString());
        try {
            store.write(JSON.writeValueAsString(d));
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.error("{} {} is in this agent's journal only: the cluster's pause state could not be written: {}",
                    cluster, details.get("action"), e.toString());
        }
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
