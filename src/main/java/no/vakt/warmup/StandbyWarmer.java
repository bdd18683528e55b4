package no.vakt.warmup;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.Sleeper;
import no.vakt.config.WarmupConfig;
import no.vakt.db.DbSession;

/**
 * Reads key ranges on the standby through the same index, in batches paced to the configured pages per
 * second, pausing while the standby's replication lags: warming must never be why the standby falls behind.
 */
final class StandbyWarmer {
    /** Pages per statement: small enough that one batch never holds the standby's pool for long (16 KiB x 256 = 4 MiB). */
    static final long BATCH_PAGES = 256;
    /** Pauses per refresh before it gives up: a standby that lags for this many seconds has better things to do. */
    static final int MAX_PAUSES = 30;
    private static final Duration PAUSE = Duration.ofSeconds(1);
    /** Past innodb_old_blocks_time, so that the second read surely counts as a later one. */
    private static final long YOUNG_MARGIN_MS = 100;

    /**
     * What one pass did: pages asked for, the standby's page reads (buffer pool read requests) during the first
     * read of each batch (the second is a hit by design and would make any standby look half warm), pauses for
     * lag, and whether it stopped for lag.
     */
    record Pass(long pagesAsked, long firstReadRequests, int batches, int skipped, int pauses, boolean stoppedForLag) {}

    private final DbSession standby;
    private final WarmupConfig config;
    private final Sleeper sleeper;

    StandbyWarmer(DbSession standby, WarmupConfig config, Sleeper sleeper) {
        this.standby = standby;
        this.config = config;
        this.sleeper = sleeper;
    }

    Pass read(List<KeyRange> ranges) throws SQLException, InterruptedException {
        // A page read once enters the pool's old sublist (3/8 of it) and is evicted first: a pass larger than
        // that pushed its own first pages out again (measured: warmth 51-64 % before each refresh). A second
        // read after innodb_old_blocks_time makes a page young, as the primary's own repeated reads do.
        long youngAfterNanos = (Long.parseLong(standby.globalVariables(List.of("innodb_old_blocks_time"))
                .getOrDefault("innodb_old_blocks_time", "1000")) + YOUNG_MARGIN_MS) * 1_000_000;
        Deque<Batch> again = new ArrayDeque<>();
        long asked = 0;
        int batches = 0;
        int pauses = 0;
        int skipped = 0;
        long requests = 0;
        long pacedMillis = 1000 * BATCH_PAGES / config.pagesPerSecond();
        for (KeyRange r : ranges) {
            long span = r.to() - r.from() + 1;
            long step = Math.max(1, (long) ((double) span * BATCH_PAGES / r.cost()));
            for (long from = r.from(); from <= r.to(); from += step) {
                while (lagging()) {
                    if (++pauses > MAX_PAUSES) return new Pass(asked, requests, batches, skipped, pauses, true);
                    sleeper.sleep(PAUSE);
                }
                long to = Math.min(r.to(), from + step - 1);
                long started = System.nanoTime();
                // COUNT(*) through the forced index reads its leaf pages (the rows themselves for PRIMARY, the
                // index entries only for a secondary) and sends back one number.
                String sql = "SELECT COUNT(*) FROM " + HotSetReader.q(r.schema()) + "." + HotSetReader.q(r.table())
                        + " FORCE INDEX (" + HotSetReader.q(r.index()) + ") WHERE " + HotSetReader.q(r.column())
                        + " BETWEEN ? AND ?";
                // With stale statistics (a table just loaded, before InnoDB recounts it) the optimizer may scan
                // the whole index instead of the range: measured, 880 pages for a 12-page range. Never that.
                if (!"range".equals(standby.rows("EXPLAIN " + sql, from, to).get(0).get("type"))) {
                    skipped++;
                } else {
                    long before = readRequests();
                    standby.scalar(sql, from, to);
                    requests += readRequests() - before;
                    again.add(new Batch(sql, from, to, System.nanoTime() + youngAfterNanos));
                    asked += Math.max(1, (long) ((double) r.cost() * (to - from + 1) / span));
                    batches++;
                }
                readAgain(again, false);
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                if (tookMillis < pacedMillis) sleeper.sleep(Duration.ofMillis(pacedMillis - tookMillis));
                if (to == r.to()) break;
            }
        }
        readAgain(again, true);
        return new Pass(asked, requests, batches, skipped, pauses, false);
    }

    private long readRequests() throws SQLException {
        return Long.parseLong(standby.globalStatus("Innodb_buffer_pool_read_requests").get("innodb_buffer_pool_read_requests"));
    }

    /** A batch read once, due for its second read at {@code dueNanos}. */
    private record Batch(String sql, long from, long to, long dueNanos) {}

    /** Reads the batches that are due again; with {@code all}, waits for the last ones. */
    private void readAgain(Deque<Batch> again, boolean all) throws SQLException, InterruptedException {
        while (!again.isEmpty()) {
            long wait = again.peekFirst().dueNanos() - System.nanoTime();
            if (wait > 0) {
                if (!all) return;
                sleeper.sleep(Duration.ofNanos(wait));
            }
            Batch b = again.pollFirst();
            standby.scalar(b.sql(), b.from(), b.to());
        }
    }

    /** The standby's lag by its own report; a stopped or absent replica is not waited for here. */
    private boolean lagging() throws SQLException {
        Map<String, String> s = standby.replicaStatus().orElse(null);
        if (s == null) return false;
        String behind = s.get("Seconds_Behind_Master");
        return behind != null && Long.parseLong(behind) * 1000 >= config.maxLag().toMillis();
    }
}
