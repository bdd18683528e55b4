package no.vakt.backup;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

/**
 * Where a replay leaves the restored server, as a GTID list: the backup's position advanced, domain by
 * domain, by each GTID event of the replayed {@code mariadb-binlog} text. The replay runs without a binary
 * log, so the server records nothing of it; this becomes its {@code gtid_slave_pos}, from which it can
 * replicate ({@code vakt replicate}). Pure.
 */
final class ReplayedPosition {
    private ReplayedPosition() {}

    /** @param limit the number of lines replayed (a {@link StopBefore.Cut}'s line), or Long.MAX_VALUE */
    static String of(String start, Iterator<String> lines, long limit) {
        Map<Long, String> byDomain = new LinkedHashMap<>();
        for (String g : start.split(",")) {
            if (!g.isBlank()) byDomain.put(domain(g.strip()), g.strip());
        }
        for (long i = 0; i < limit && lines.hasNext(); i++) {
            Matcher m = StopBefore.GTID_EVENT.matcher(lines.next());
            if (m.find()) byDomain.put(domain(m.group(1)), m.group(1));
        }
        return byDomain.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue)
                .collect(Collectors.joining(","));
    }

    private static long domain(String gtid) {
        return Long.parseLong(gtid.substring(0, gtid.indexOf('-')));
    }
}
