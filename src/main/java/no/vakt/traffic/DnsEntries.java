package no.vakt.traffic;

import java.time.Duration;
import no.vakt.config.SecretRef;

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

    /** A secret given as {@code KEY-file} or {@code KEY-env} (one of them, never inline: {@link SecretRef#given}). */
    static void secret(String key, Object inline, java.nio.file.Path file, String env) {
        try {
            SecretRef.given(key, file, env, inline, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    /** The addresses per node: IP literals only, so no resolver is asked during a failover. */
    static java.util.Map<String, String> targets(java.util.Map<String, String> targets) {
        java.util.Map<String, String> copy = targets == null ? java.util.Map.of() : java.util.Map.copyOf(targets);
        AddressTargets.requireLiterals(copy);
        return copy;
    }

    /** The name servers to verify on, each host[:port] (53 by default). */
    static java.util.List<String> nameservers(java.util.List<String> given, java.util.List<String> fallback) {
        java.util.List<String> list = given == null || given.isEmpty() ? fallback : java.util.List.copyOf(given);
        list.forEach(n -> no.vakt.cluster.HostPort.parse(n, 53));
        return list;
    }

    static Duration positive(Duration d, Duration dflt, String field) {
        if (d == null) return dflt;
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(field + ": expected a positive duration");
        return d;
    }
}
