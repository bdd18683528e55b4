package no.vakt.drill;

/** "host:port" or "host" (default port); IPv6 in brackets: "[::1]:5353". */
record HostPort(String host, int port) {
    static HostPort parse(String text, int defaultPort) {
        String t = text.trim();
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int end = t.indexOf(']');
            if (end < 0) throw new IllegalArgumentException("expected host:port; got '" + text + "'");
            host = t.substring(1, end);
            if (t.length() > end + 1) {
                if (t.charAt(end + 1) != ':') throw new IllegalArgumentException("expected host:port; got '" + text + "'");
                port = t.substring(end + 2);
            }
        } else {
            int colon = t.lastIndexOf(':');
            host = colon < 0 ? t : t.substring(0, colon);
            if (colon >= 0) port = t.substring(colon + 1);
        }
        if (host.isEmpty()) throw new IllegalArgumentException("expected host:port; got '" + text + "'");
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected host:port with a numeric port; got '" + text + "'");
            }
        }
        if (p < 1 || p > 65535) throw new IllegalArgumentException("port must be 1..65535; got '" + text + "'");
        return new HostPort(host, p);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
