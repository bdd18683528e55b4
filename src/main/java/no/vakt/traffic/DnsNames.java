package no.vakt.traffic;

import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Zone and record names as written in the config, checked and made absolute when it is read. */
final class DnsNames {
    private DnsNames() {}

    /** {@code example.org} or {@code example.org.}: always absolute. */
    static String zone(String zone) {
        if (zone == null || zone.isBlank()) throw new IllegalArgumentException("zone: expected the DNS zone, like example.org.");
        String z = zone.trim().endsWith(".") ? zone.trim() : zone.trim() + ".";
        parse(z, "zone");
        return z;
    }

    /**
     * A record name: absolute when it ends with a dot or with the zone's name, otherwise relative to
     * the zone ({@code app} in {@code example.org.} is {@code app.example.org.}). It must lie inside the zone.
     */
    static String record(String record, String zone) {
        if (record == null || record.isBlank()) {
            throw new IllegalArgumentException("record: expected the record's name, like app." + zone);
        }
        String r = record.trim();
        String zoneNoDot = zone.substring(0, zone.length() - 1);
        String absolute;
        if (r.endsWith(".")) absolute = r;
        else if (r.equals(zoneNoDot) || r.endsWith("." + zoneNoDot)) absolute = r + ".";
        else absolute = r + "." + zone;
        Name name = parse(absolute, "record");
        if (!name.subdomain(parse(zone, "zone"))) {
            throw new IllegalArgumentException("record: " + absolute + " is not inside the zone " + zone);
        }
        return absolute;
    }

    static Name parse(String absolute, String field) {
        try {
            return Name.fromString(absolute);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(field + ": '" + absolute + "' is not a valid DNS name");
        }
    }
}
