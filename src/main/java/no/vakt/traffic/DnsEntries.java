package no.vakt.traffic;

import java.time.Duration;

/** Checks shared by the DNS entries' constructors; messages start with the field they are about. */
final class DnsEntries {
    /** The seeds' 60 s: short enough for a 5 min RTO, long enough not to flood the name servers. */
    static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

    private DnsEntries() {}

    static Duration ttl(Duration ttl) {
        if (ttl == null) return DEFAULT_TTL;
        if (ttl.toMillis() % 1000 != 0 || ttl.getSeconds() < 1 || ttl.getSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ttl: expected whole seconds, at least 1s (like 60s); got " + ttl.toMillis() + "ms");
        }
        return ttl;
    }

    static Duration positive(Duration d, Duration dflt, String field) {
        if (d == null) return dflt;
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(field + ": expected a positive duration");
        return d;
    }
}
