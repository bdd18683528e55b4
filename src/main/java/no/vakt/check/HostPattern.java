package no.vakt.check;

import java.util.regex.Pattern;

/** The host part of a MariaDB account: literal, LIKE wildcards ({@code %}, {@code _}) or {@code ip/netmask}. */
final class HostPattern {
    private HostPattern() {}

    static boolean isAny(String host) {
        return "%".equals(host);
    }

    static boolean hasWildcard(String host) {
        return host.contains("%") || host.contains("_") || host.contains("/");
    }

    /** Whether an account with this host lets a connection from {@code address} in. */
    static boolean matches(String host, String address) {
        if (host.equalsIgnoreCase(address)) return true;
        int slash = host.indexOf('/');
        if (slash > 0) return netmask(host.substring(0, slash), host.substring(slash + 1), address);
        StringBuilder regex = new StringBuilder();
        for (char ch : host.toCharArray()) {
            if (ch == '%') regex.append(".*");
            else if (ch == '_') regex.append('.');
            else regex.append(Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE).matcher(address).matches();
    }

    private static boolean netmask(String net, String mask, String address) {
        long n = ipv4(net);
        long m = ipv4(mask);
        long a = ipv4(address);
        return n >= 0 && m >= 0 && a >= 0 && (a & m) == (n & m);
    }

    private static long ipv4(String s) {
        String[] parts = s.split("\\.");
        if (parts.length != 4) return -1;
        long v = 0;
        for (String p : parts) {
            try {
                int octet = Integer.parseInt(p);
                if (octet < 0 || octet > 255) return -1;
                v = (v << 8) | octet;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return v;
    }
}
