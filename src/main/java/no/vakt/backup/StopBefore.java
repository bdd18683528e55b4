package no.vakt.backup;

import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vakt restore --before "DROP TABLE orders"}: in {@code mariadb-binlog --verbose} text, the first
 * event that matches the operator's fragment, and where its transaction begins, so the replay stops just
 * before it. Matching ignores case, backticks and runs of white space; it reads statements and the
 * {@code ###} lines of row events (a {@code DELETE FROM orders} in row format), never other comments. Pure.
 */
public final class StopBefore {
    private static final Pattern GTID_EVENT = Pattern.compile("^#\\d{6} .*\\sGTID (\\d+-\\d+-\\d+)");

    private StopBefore() {}

    /**
     * @param line the 0-based index of the first line not to replay (the {@code # at} line of the
     *     transaction's GTID event)
     * @param gtid the transaction that matched
     * @param matched the matching text, for the operator to see
     */
    public record Cut(long line, String gtid, String matched) {}

    public static Optional<Cut> find(Iterator<String> lines, String fragment) {
        String wanted = normalise(fragment);
        if (wanted.isEmpty()) throw new IllegalArgumentException("--before: expected a statement fragment, like \"DROP TABLE orders\"");
        long index = -1;
        long transactionStart = 0;
        String gtid = null;
        boolean previousWasAt = false;
        while (lines.hasNext()) {
            String line = lines.next();
            index++;
            Matcher g = GTID_EVENT.matcher(line);
            if (g.find()) {
                transactionStart = previousWasAt ? index - 1 : index;
                gtid = g.group(1);
            } else if (gtid != null && readable(line) && normalise(line).contains(wanted)) {
                return Optional.of(new Cut(transactionStart, gtid, line.strip()));
            }
            previousWasAt = line.startsWith("# at ");
        }
        return Optional.empty();
    }

    private static boolean readable(String line) {
        return !line.startsWith("#") || line.startsWith("### ");
    }

    static String normalise(String text) {
        String t = text.startsWith("### ") ? text.substring(4) : text;
        return t.replace("`", "").replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
    }
}
