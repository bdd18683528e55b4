package no.vakt.traffic;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Makes a program's output fit for an error message and the journal: only the tail, no control
 * characters, and anything that looks like a credential replaced. The program is the operator's, so
 * this is a guard against accidents (a script that echoes its token), not a guarantee.
 */
final class OutputScrubber {
    // Five lines / 500 characters: enough for the error a script printed last, short enough for an alert.
    static final int MAX_LINES = 5;
    static final int MAX_CHARS = 500;

    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)((?:password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|authorization|auth)[\"']?\\s*[=:]\\s*)((?:bearer|basic)\\s+\\S+|\"[^\"]*\"|'[^']*'|\\S+)");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@");
    private static final Pattern CONTROL = Pattern.compile("\\e\\[[0-9;?]*[A-Za-z]|[\\p{Cntrl}&&[^\\n\\t]]");

    private OutputScrubber() {}

    static String tail(String output, List<String> knownSecrets) {
        if (output == null || output.isBlank()) return "";
        String s = CONTROL.matcher(output).replaceAll("");
        for (String secret : knownSecrets) {
            if (secret != null && secret.length() >= 4) s = s.replace(secret, "[redacted]");
        }
        s = KEY_VALUE.matcher(s).replaceAll("$1[redacted]");
        s = BEARER.matcher(s).replaceAll("$1 [redacted]");
        s = URL_USERINFO.matcher(s).replaceAll("$1[redacted]@");
        List<String> lines = Arrays.stream(s.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
        String joined = String.join(" | ", lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size()));
        return joined.length() <= MAX_CHARS ? joined : "..." + joined.substring(joined.length() - MAX_CHARS);
    }
}
