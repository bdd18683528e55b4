package no.vakt.config;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}, e.g.
 * {@code "0 3 * * SUN"}): numbers, {@code *}, ranges {@code a-b}, lists {@code a,b}, steps {@code *}{@code /n}
 * or {@code a-b/n}, month names JAN..DEC and day names SUN..SAT (0 and 7 are Sunday). As in cron, when
 * both day fields are restricted a day matches either one. Pure: {@link #next} is a function of its argument.
 */
public final class CronSchedule {
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** Feb 29 on a given weekday recurs within 28 years; no valid expression needs longer. */
    private static final int MAX_DAYS = 366 * 28;

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean domRestricted;
    private final boolean dowRestricted;

    private CronSchedule(String text, String[] f) {
        this.text = text;
        minutes = field("minute", f[0], 0, 59, List.of(), 0);
        hours = field("hour", f[1], 0, 23, List.of(), 0);
        daysOfMonth = field("day of month", f[2], 1, 31, List.of(), 0);
        months = field("month", f[3], 1, 12, MONTHS, 1);
        BitSet dow = field("day of week", f[4], 0, 7, DAYS, 0);
        if (dow.get(7)) dow.set(0);
        dow.clear(7);
        daysOfWeek = dow;
        domRestricted = !f[2].equals("*");
        dowRestricted = !f[4].equals("*");
    }

    public static CronSchedule parse(String text) {
        if (text == null) throw new IllegalArgumentException("schedule: expected a cron expression like \"0 3 * * SUN\"");
        String[] f = text.trim().split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("schedule: expected 5 fields (minute hour day-of-month month day-of-week),"
                    + " like \"0 3 * * SUN\"; got '" + text + "'");
        }
        return new CronSchedule(text.trim(), f);
    }

    /** The first matching minute strictly after {@code after}, in its zone. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = t.plusDays(MAX_DAYS);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue()) || !dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
                continue;
            }
            return t;
        }
        throw new IllegalStateException("schedule '" + text + "' never matches");
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        if (domRestricted && dowRestricted) return dom || dow;
        return dom && dow;
    }

    @Override
    public String toString() {
        return text;
    }

    private static BitSet field(String name, String spec, int min, int max, List<String> names, int nameBase) {
        BitSet out = new BitSet(max + 1);
        for (String part : spec.split(",", -1)) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(name, part.substring(slash + 1), 1, max, List.of(), 0);
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = max;
            } else if (range.contains("-")) {
                String[] ab = range.split("-", 2);
                lo = number(name, ab[0], min, max, names, nameBase);
                hi = number(name, ab[1], min, max, names, nameBase);
                if (lo > hi) throw new IllegalArgumentException("schedule: " + name + " range '" + range + "' runs backwards");
            } else {
                lo = number(name, range, min, max, names, nameBase);
                hi = slash >= 0 ? max : lo;
            }
            for (int v = lo; v <= hi; v += step) out.set(v);
        }
        return out;
    }

    private static int number(String name, String text, int min, int max, List<String> names, int nameBase) {
        int idx = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (idx >= 0) return idx + nameBase;
        try {
            int v = Integer.parseInt(text);
            if (v < min || v > max) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("schedule: " + name + " expects " + min + ".." + max
                    + (names.isEmpty() ? "" : " or " + names.get(0) + ".." + names.get(names.size() - 1))
                    + "; got '" + text + "'");
        }
    }
}
