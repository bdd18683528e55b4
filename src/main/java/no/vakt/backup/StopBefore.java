package no.vakt.backup;

import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vakt restore --before "DROP TABLE orders"}: in {@code mariadb-binlog --verbose} text, the first
 * event that matches the operator's fragment, and where its transaction begins, so the replay stops just
 * before it. Matching ignores case, backticks and runs of white space, and names: a qualified name in the
 * fragment ({@code shop.orders}) matches the same qualified name or the bare one while the statement's
 * default database ({@code use `shop`}) is {@code shop}; a bare name matches it in any database. A fragment
 * ends at a whole word ({@code orders} is not {@code orders_archive}). It reads statements and the {@code ###}
 * lines of row events (a {@code DELETE FROM orders} in row format), never other comments. Pure.
 */
public final class StopBefore {
    static final Pattern GTID_EVENT = Pattern.compile("^#\\d{6} .*\\sGTID (\\d+-\\d+-\\d+)");
    /** mariadb-binlog prints the default database before an event whose database differs from the last one's. */
    private static final Pattern USE = Pattern.compile("^use `((?:[^`]|``)+)`/\\*!\\*/;");
    private static final String WORD = "[\\p{L}0-9_$]";
    /** {@code db.} before a name; not inside a number ({@code 1.5}). */
    private static final Pattern QUALIFIER = Pattern.compile("(?<![\\p{L}0-9_$.])(" + WORD + "+)\\.(?=[\\p{L}_$])");

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
        String database = null;
        boolean previousWasAt = false;
        while (lines.hasNext()) {
            String line = lines.next();
            index++;
            Matcher g = GTID_EVENT.matcher(line);
            Matcher use = USE.matcher(line);
            if (g.find()) {
                transactionStart = previousWasAt ? index - 1 : index;
                gtid = g.group(1);
            } else if (use.find()) {
                database = use.group(1).replace("``", "`").toLowerCase(Locale.ROOT);
            } else if (gtid != null && readable(line) && matches(wanted, normalise(line), database)) {
                return Optional.of(new Cut(transactionStart, gtid, line.strip()));
            }
            previousWasAt = line.startsWith("# at ");
        }
        return Optional.empty();
    }

    /** Both normalised; {@code database} the statement's default database, or null. */
    static boolean matches(String fragment, String statement, String database) {
        if (containsWord(statement, fragment)) return true;
        if (!QUALIFIER.matcher(fragment).find()) return containsWord(QUALIFIER.matcher(statement).replaceAll(""), fragment);
        if (database == null) return false;
        String bare = Pattern.compile("(?<![\\p{L}0-9_$.])" + Pattern.quote(database) + "\\.(?=[\\p{L}_$])").matcher(fragment).replaceAll("");
        return !bare.equals(fragment) && containsWord(statement, bare);
    }

    /** {@code text} holds {@code part} not glued to a longer name at either end. */
    private static boolean containsWord(String text, String part) {
        boolean wordStart = Character.toString(part.codePointAt(0)).matches(WORD);
        boolean wordEnd = Character.toString(part.codePointBefore(part.length())).matches(WORD);
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            int end = at + part.length();
            boolean gluedBefore = wordStart && at > 0 && Character.toString(text.codePointBefore(at)).matches(WORD);
            boolean gluedAfter = wordEnd && end < text.length() && Character.toString(text.codePointAt(end)).matches(WORD);
            if (!gluedBefore && !gluedAfter) return true;
        }
        return false;
    }

    private static boolean readable(String line) {
        return !line.startsWith("#") || line.startsWith("### ");
    }

    static String normalise(String text) {
        String t = text.startsWith("### ") ? text.substring(4) : text;
        return t.replace("`", "").replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
    }
}
