package no.vakt.config;

import java.time.Duration;

/**
 * The config's {@code warmup:} section: how Vakt keeps the standby's buffer pool close to the primary's
 * (docs/warm.md).
 *
 * <pre>
 * warmup:
 *   enabled: true            # default true
 *   interval: 5m             # a refresh every interval (and one right before a planned switchover)
 *   pages-per-refresh: 20000 # at most this many pages read on the standby per refresh (16 KiB each)
 *   pages-per-second: 2000   # the pace of those reads
 *   max-lag: 1s              # reads pause while the standby's replication lag is at least this
 * </pre>
 */
public record WarmupConfig(
        Boolean enabled, Duration interval, Integer pagesPerRefresh, Integer pagesPerSecond, Duration maxLag) {
    public static final WarmupConfig DEFAULT = new WarmupConfig(null, null, null, null, null);

    public WarmupConfig {
        enabled = enabled == null || enabled;
        interval = interval != null ? interval : Duration.ofMinutes(5);
        // Below 10 s the primary's INNODB_BUFFER_PAGE scan (the whole pool, each time) costs more than it tells.
        if (interval.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new IllegalArgumentException("interval: expected at least 10s; got " + interval);
        }
        pagesPerRefresh = pagesPerRefresh != null ? pagesPerRefresh : 20_000;
        if (pagesPerRefresh < 1) throw new IllegalArgumentException("pages-per-refresh: expected at least 1; got " + pagesPerRefresh);
        pagesPerSecond = pagesPerSecond != null ? pagesPerSecond : 2_000;
        if (pagesPerSecond < 1) throw new IllegalArgumentException("pages-per-second: expected at least 1; got " + pagesPerSecond);
        maxLag = maxLag != null ? maxLag : Duration.ofSeconds(1);
        if (maxLag.isNegative() || maxLag.isZero()) throw new IllegalArgumentException("max-lag: expected a positive duration");
    }
}
