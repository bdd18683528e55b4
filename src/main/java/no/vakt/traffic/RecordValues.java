package no.vakt.traffic;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Compares record contents the way DNS does: addresses by value, names case-insensitively without the final dot. */
final class RecordValues {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private RecordValues() {}

    static boolean same(String recordType, String a, String b) {
        if (a == null || b == null) return false;
        return canonical(recordType, a).equals(canonical(recordType, b));
    }

    /** The canonical text of a value; never does a DNS lookup. */
    static String canonical(String recordType, String value) {
        String v = value.trim();
        switch (recordType) {
            case "A":
                return v;
            case "AAAA":
                if (v.contains(":")) {
                    try {
                        // a literal with ':' is parsed, never looked up
                        return InetAddress.getByName(v).getHostAddress();
                    } catch (UnknownHostException e) {
                        return v.toLowerCase(Locale.ROOT);
                    }
                }
                return v.toLowerCase(Locale.ROOT);
            default:
                return EntryChecks.dnsName(v);
        }
    }

    /** Why {@code value} cannot be the content of a {@code recordType} record, or null when it can. */
    static String problem(String recordType, String value) {
        return switch (recordType) {
            case "A" -> IPV4.matcher(value).matches() ? null : "expected an IPv4 address for an A record; got '" + value + "'";
            case "AAAA" -> value.contains(":") && isIpv6(value) ? null : "expected an IPv6 address for an AAAA record; got '" + value + "'";
            default -> value.isBlank() || value.contains(" ") ? "expected a host name for a CNAME record; got '" + value + "'" : null;
        };
    }

    private static boolean isIpv6(String v) {
        try {
            return InetAddress.getByName(v) instanceof java.net.Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
