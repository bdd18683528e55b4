package no.vakt.warmup;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.Sleeper;
import no.vakt.config.Node;
import no.vakt.config.WarmupConfig;
import no.vakt.db.DbSession;

/**
 * One refresh: learn what is hot on the primary, translate it to key ranges ({@link WarmPlanner}), read them
 * on the standby within the budget ({@link StandbyWarmer}). The caller decides when and whether it may act.
 */
public final class Warmup {
    /** Connect and statement bound: a batch is 256 pages, well under a second even from disk. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(30);

    private final WarmupConfig config;
    private final Clock clock;
    private final Sleeper sleeper;
    /** Anchors learned from {@link #anchorsOf} (HotSetReader.read): another primary has another layout. */
    private final Map<String, List<HotIndex.Anchor>> anchors = new HashMap<>();
    private String anchorsOf;

    public Warmup(WarmupConfig config, Clock clock, Sleeper sleeper) {
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public WarmupResult refresh(Node primary, Node standby) throws SQLException, InterruptedException {
        try (DbSession p = DbSession.open(primary.mysql(), primary.mysql().secret().resolve(), SESSION_TIMEOUT);
                DbSession s = DbSession.open(standby.mysql(), standby.mysql().secret().resolve(), SESSION_TIMEOUT)) {
            return refresh(p, s, primary.name(), standby.name());
        }
    }

    /** As {@link #refresh(Node, Node)} on open sessions (the bench and the tests). */
    public WarmupResult refresh(DbSession primary, DbSession standby, String primaryName, String standbyName)
            throws SQLException, InterruptedException {
        Instant started = clock.instant();
        HotSetReader.Sample hot;
        synchronized (anchors) {
            if (!primaryName.equals(anchorsOf)) anchors.clear();
            anchorsOf = primaryName;
            hot = HotSetReader.read(primary, anchors);
        }
        List<KeyRange> ranges = WarmPlanner.plan(hot.indexes(), config.pagesPerRefresh());
        long[] before = counters(standby);
        StandbyWarmer.Pass pass = new StandbyWarmer(standby, config, sleeper).read(ranges);
        long[] after = counters(standby);
        long hotPages = hot.indexes().stream().mapToLong(HotIndex::hotPages).sum();
        Instant ended = clock.instant();
        return new WarmupResult(ended, primaryName, standbyName, hot.indexes().size(), hotPages, ranges.size(),
                pass.pagesAsked(), after[0] - before[0], pass.firstReadRequests(), hot.scanMillis(),
                Duration.between(started, ended), pass.skipped(), pass.pauses(), pass.stoppedForLag());
    }

    /** The ranges a refresh would read now, without reading them (bench/warm --diagnose compares them with the truth). */
    public List<KeyRange> plan(DbSession primary) throws SQLException {
        synchronized (anchors) {
            return WarmPlanner.plan(HotSetReader.read(primary, anchors).indexes(), config.pagesPerRefresh());
        }
    }

    private static long[] counters(DbSession s) throws SQLException {
        Map<String, String> st = s.globalStatus("Innodb_buffer_pool_read%");
        return new long[] {Long.parseLong(st.get("innodb_buffer_pool_reads")),
                Long.parseLong(st.get("innodb_buffer_pool_read_requests"))};
    }
}
