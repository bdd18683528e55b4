package no.vakt.cluster;

import java.net.InetSocketAddress;

/** A {@code host:port} (IPv6 as {@code [::1]:53}); the port defaults when missing. */
public record HostPort(String host, int port) {

    public static HostPort parse(String text, int defaultPort) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("expected host:port, got nothing");
        String t = text.trim();
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int end = t.indexOf(']');
            if (end < 0) throw new IllegalArgumentException("expected [address]:port, got '" + text + "'");
            host = t.substring(1, end);
            if (t.length() > end + 1) {
                if (t.charAt(end + 1) != ':') throw new IllegalArgumentException("expected [address]:port, got '" + text + "'");
                port = t.substring(end + 2);
            }
        } else if (t.indexOf(':') != t.lastIndexOf(':')) {
            host = t; // a bare IPv6 address
        } else {
            int colon = t.indexOf(':');
            host = colon < 0 ? t : t.substring(0, colon);
            port = colon < 0 ? null : t.substring(colon + 1);
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) throw new IllegalArgumentException("expected a port between 1 and 65535 in '" + text + "'");
        }
        if (host.isBlank()) throw new IllegalArgumentException("expected a host in '" + text + "'");
        return new HostPort(host, p);
    }

    /** Resolved once, at use: a name is looked up by the system resolver. */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
