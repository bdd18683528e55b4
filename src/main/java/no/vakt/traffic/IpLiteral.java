package no.vakt.traffic;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** IP address literals, recognised without ever asking a resolver. */
final class IpLiteral {
    private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private IpLiteral() {}

    /** The address when {@code text} is an IPv4 or IPv6 literal; empty for a host name. */
    static Optional<InetAddress> parse(String text) {
        if (text == null) return Optional.empty();
        String t = text.trim();
        if (!V4.matcher(t).matches() && !V6.matcher(t).matches()) return Optional.empty();
        try {
            // A literal is parsed, not looked up.
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
