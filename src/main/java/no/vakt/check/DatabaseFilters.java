package no.vakt.check;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which whole databases a set of binlog_* or replicate_* filters leaves out. Table filters that leave
 * only part of a database out are reported by the rule as a risk, not computed here.
 */
final class DatabaseFilters {
    private DatabaseFilters() {}

    /** The databases of {@code wanted} that never get through {@code filters} (keys lower-case, values comma lists). */
    static List<String> excluded(Map<String, String> filters, List<String> wanted) {
        return wanted.stream().filter(db -> excludes(filters, db)).toList();
    }

    static boolean excludes(Map<String, String> f, String db) {
        for (String prefix : List.of("binlog_", "replicate_")) {
            List<String> doDb = list(f.get(prefix + "do_db"));
            if (!doDb.isEmpty() && doDb.stream().noneMatch(db::equalsIgnoreCase)) return true;
            if (list(f.get(prefix + "ignore_db")).stream().anyMatch(db::equalsIgnoreCase)) return true;
        }
        List<String> doTable = list(f.get("replicate_do_table"));
        List<String> wildDo = list(f.get("replicate_wild_do_table"));
        if (!doTable.isEmpty() || !wildDo.isEmpty()) {
            boolean listed = doTable.stream().anyMatch(t -> dbPart(t).equalsIgnoreCase(db))
                    || wildDo.stream().anyMatch(t -> HostPattern.matches(dbPart(t), db));
            if (!listed) return true;
        }
        return list(f.get("replicate_wild_ignore_table")).stream()
                .anyMatch(t -> HostPattern.matches(dbPart(t), db) && tablePart(t).equals("%"));
    }

    /** "binlog_do_db = shop; replicate_wild_ignore_table = tmp.%" for the message. */
    static String describe(Map<String, String> filters) {
        return filters.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("; "));
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) return List.of();
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String dbPart(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? qualified : qualified.substring(0, dot);
    }

    private static String tablePart(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? "" : qualified.substring(dot + 1);
    }
}
