package no.vakt.traffic;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import no.vakt.config.PlainSecret;
import no.vakt.config.SecretRef;

/**
 * Checks the entry records run in their constructors; a failure becomes a config error at the entry's
 * line and column (ConfigLoader reports the constructor's message).
 */
final class EntryChecks {
    static final Set<String> RECORD_TYPES = Set.of("A", "AAAA", "CNAME");

    private EntryChecks() {}

    static String required(String type, String key, String value, String example) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(type + " entry: expected " + key + ", for example " + key + ": " + example);
        }
        return value.trim();
    }

    /** The record type in upper case; A when not given. */
    static String recordType(String type, String value) {
        String t = value == null ? "A" : value.trim().toUpperCase(java.util.Locale.ROOT);
        if (!RECORD_TYPES.contains(t)) {
            throw new IllegalArgumentException(type + " entry: record-type must be one of A, AAAA, CNAME; got '" + value + "'");
        }
        return t;
    }

    static Duration positive(String type, String key, Duration value, Duration fallback) {
        if (value == null) return fallback;
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(type + " entry: " + key + " must be a positive duration");
        }
        return value;
    }

    /** A secret given as {@code <key>-file} or {@code <key>-env}, exactly one, never inline ({@link SecretRef#given}). */
    static SecretRef secret(String type, String key, PlainSecret inline, Path file, String env) {
        try {
            return SecretRef.given(key, file, env, inline, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(type + " entry: " + e.getMessage());
        }
    }

    /** The secret a checked entry names: its file, else its variable. */
    static SecretRef ref(Path file, String env) {
        return file != null ? SecretRef.ofFile(file) : SecretRef.ofEnv(env);
    }

    /** An optional http(s) URL. */
    static void httpUrl(String type, String key, java.net.URI url) {
        if (url != null && !"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException(type + " entry: " + key + " must be an http(s) URL; got '" + url + "'");
        }
    }

    /**
     * The entry's targets (each node's MySQL host by default), each checked to be a value the record type
     * takes; one that is not fails without retry, as a configuration error.
     */
    static EntryTargets recordTargets(String what, String recordType, Map<String, String> targets,
            no.vakt.config.VaktConfig config) throws TrafficException {
        EntryTargets resolved = EntryTargets.resolve(what, targets, config, n -> n.mysql().host());
        for (Map.Entry<String, String> t : resolved.asMap().entrySet()) {
            String problem = RecordValues.problem(recordType, t.getValue());
            if (problem != null) throw new TrafficException(what + ": target of " + t.getKey() + ": " + problem, false);
        }
        return resolved;
    }

    static Map<String, String> targets(String type, String key, Map<String, String> map) {
        if (map == null) return Map.of();
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new IllegalArgumentException(type + " entry: " + key + "." + e.getKey() + " is empty");
            }
        }
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
    }

    /** A DNS name without the trailing dot, lower case. */
    static String dnsName(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** Reads a secret for a call; a missing file or variable fails without retry and names the reference only. */
    static String resolve(String what, SecretRef ref) throws TrafficException {
        try {
            String v = ref.resolve();
            if (v.isBlank()) throw new TrafficException(what + ": the secret " + ref + " is empty", false);
            return v;
        } catch (SecretRef.SecretUnavailableException e) {
            throw new TrafficException(what + ": " + e.getMessage(), false);
        }
    }
}
