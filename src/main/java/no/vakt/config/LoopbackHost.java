package no.vakt.config;

import java.util.Locale;

/**
 * Whether a configured host names this machine's loopback, judged from the literal alone: rules stay
 * pure (no DNS lookup), so any other host name counts as reachable from elsewhere.
 */
public final class LoopbackHost {
    private LoopbackHost() {
    }

    /** localhost, 127.0.0.0/8 and ::1, with or without URI brackets. */
    public static boolean is(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
