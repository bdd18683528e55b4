package no.vakt.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** A {@code HOST:PORT} (or {@code [IPv6]:PORT}) to listen on. */
public record ListenAddress(String host, int port) {
    static final String EXPECTED = "HOST:PORT, for example 127.0.0.1:8787 or [::1]:8787";

    public static ListenAddress parse(String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) throw bad(t);
        String host = t.substring(0, colon);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) throw bad(t);
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw bad(t); // a bare IPv6 address is ambiguous
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw bad(t);
        }
        if (port < 0 || port > 65535) throw bad(t);
        return new ListenAddress(host, port);
    }

    public InetSocketAddress socketAddress() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("listen: expected " + EXPECTED + "; got '" + text + "'");
    }
}
