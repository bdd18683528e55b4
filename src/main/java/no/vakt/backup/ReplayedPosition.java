package no.vakt.backup;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a replay leaves the restored server, as a GTID list: the backup's position advanced, domain by
 * domain, by each GTID event of the replayed {@code mariadb-binlog} text. The replay runs without a binary
 * log, so the server records nothing of it; this becomes its {@code gtid_slave_pos}, from which it can
 * replicate ({@code vakt replicate}). Also the commit time of the newest replayed transaction (the text is
 * decoded with TZ=UTC). Pure.
 */
final class ReplayedPosition {
    /** {@code #261207 11:13:55} or {@code #261207  9:13:55}: mariadb-binlog pads the hour with a space. */
    private static final Pattern EVENT_TIME = Pattern.compile("^#(\\d\\d)(\\d\\d)(\\d\\d)\\s+(\\d{1,2}):(\\d\\d):(\\d\\d)");

    private ReplayedPosition() {}

    /** @param newestEvent null when no transaction was replayed */
    record Point(String gtids, Instant newestEvent) {}

    /** @param limit the number of lines replayed (a {@link StopBefore.Cut}'s line), or Long.MAX_VALUE */
    static Point of(String start, Iterator<String> lines, long limit) {
        Map<Long, String> byDomain = new LinkedHashMap<>();
        for (String g : start.split(",")) {
            if (!g.isBlank()) byDomain.put(domain(g.strip()), g.strip());
        }
        Instant newest = null;
        for (long i = 0; i < limit && lines.hasNext(); i++) {
            String line = lines.next();
            Matcher m = StopBefore.GTID_EVENT.matcher(line);
            if (m.find()) {
                byDomain.put(domain(m.group(1)), m.group(1));
                newest = time(line);
            }
        }
        return new Point(byDomain.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue)
                .collect(Collectors.joining(",")), newest);
    }

    private static Instant time(String line) {
        Matcher t = EVENT_TIME.matcher(line);
        if (!t.find()) return null;
        return LocalDateTime.of(2000 + Integer.parseInt(t.group(1)), Integer.parseInt(t.group(2)), Integer.parseInt(t.group(3)),
                Integer.parseInt(t.group(4)), Integer.parseInt(t.group(5)), Integer.parseInt(t.group(6))).toInstant(ZoneOffset.UTC);
    }

    private static long domain(String gtid) {
        return Long.parseLong(gtid.substring(0, gtid.indexOf('-')));
    }
}
