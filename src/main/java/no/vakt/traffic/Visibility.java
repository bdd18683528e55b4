package no.vakt.traffic;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.Sleeper;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Waits until every authoritative server answers the expected values for a record: the primary at
 * once, secondaries after NOTIFY and a zone transfer. Bounded in time by the caller's bound and in
 * count by {@link #MAX_ROUNDS}.
 */
final class Visibility {
    /** First pause between rounds; doubled up to {@link #MAX_PAUSE}. A local primary answers in the first round. */
    private static final Duration FIRST_PAUSE = Duration.ofMillis(50);
    /** Secondaries pick up a NOTIFY within a second or two; polling faster than this only adds load. */
    private static final Duration MAX_PAUSE = Duration.ofSeconds(1);
    /** A hard cap whatever the bound: 600 rounds is 10 minutes at the longest pause. */
    private static final int MAX_ROUNDS = 600;

    private final Clock clock;
    private final Sleeper sleeper;

    Visibility(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Returns how long it took until all {@code servers} answered {@code expected}; throws when not within {@code bound}. */
    Duration await(List<DnsAuthority> servers, Name name, int type, List<String> expected, Duration bound, String entry)
            throws TrafficException {
        Instant start = clock.instant();
        Instant deadline = start.plus(bound);
        List<String> want = expected.stream().map(AddressTargets::normalise).sorted().toList();
        Map<DnsAuthority, String> pending = new LinkedHashMap<>();
        servers.forEach(s -> pending.put(s, "not asked yet"));
        Duration pause = FIRST_PAUSE;
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            for (DnsAuthority server : new ArrayList<>(pending.keySet())) {
                try {
                    DnsAuthority.Answer answer = server.query(name, type);
                    List<String> got = answer.values().stream().map(AddressTargets::normalise).sorted().toList();
                    if (got.equals(want)) {
                        pending.remove(server);
                    } else {
                        pending.put(server, got.isEmpty() ? "no " + Type.string(type) + " record" : "answers " + got);
                    }
                } catch (TrafficException e) {
                    if (!e.retryable()) throw e;
                    pending.put(server, e.getMessage());
                }
            }
            if (pending.isEmpty()) return Duration.between(start, clock.instant());
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) break;
            Duration left = Duration.between(now, deadline);
            try {
                sleeper.sleep(pause.compareTo(left) < 0 ? pause : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrafficException(entry + ": interrupted while waiting for " + name + " to be visible", false, e);
            }
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
        StringBuilder why = new StringBuilder();
        pending.forEach((s, w) -> why.append(why.length() == 0 ? "" : "; ").append(s).append(' ').append(w));
        throw new TrafficException(entry + ": " + name + " " + Type.string(type) + " " + want + " not visible on every"
                + " authoritative server within " + bound.toMillis() + " ms: " + why, false);
    }
}
