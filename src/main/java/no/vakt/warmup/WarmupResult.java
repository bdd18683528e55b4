package no.vakt.warmup;

import java.time.Duration;
import java.time.Instant;

/**
 * One refresh, measured. Warmth is the share of the translated hot set that was already resident on the
 * standby when the refresh read it: 1 - physical reads / page reads of the pass (its own counters), so a
 * standby that kept up reads near 1.0 and a cold one near 0.
 *
 * @param at when the refresh ended
 * @param primary the node the hot set was learned from
 * @param standby the node that was warmed
 * @param hotIndexes indexes the primary held pages of (integer first column)
 * @param primaryHotPages their pages resident on the primary
 * @param ranges key ranges read on the standby
 * @param pagesAsked pages those ranges were estimated to hold (the budget counts these)
 * @param physicalReads Innodb_buffer_pool_reads on the standby during the pass: the cost on its disk
 * @param pageReads Innodb_buffer_pool_read_requests on the standby during the first read of each batch (the
 *     second read is a hit by design)
 * @param scanMillis how long the primary's INNODB_BUFFER_PAGE scan took
 * @param took the whole refresh
 * @param skipped batches not read because the standby's optimizer would have scanned the whole index
 * @param pauses one-second pauses because the standby lagged
 * @param stoppedForLag whether the pass gave up because the lag did not fall
 */
public record WarmupResult(Instant at, String primary, String standby, int hotIndexes, long primaryHotPages,
        int ranges, long pagesAsked, long physicalReads, long pageReads, long scanMillis, Duration took, int skipped, int pauses,
        boolean stoppedForLag) {

    /** Share of the hot set already resident on the standby before this refresh, 0..1; 1 with nothing to read. */
    public double warmth() {
        return pageReads <= 0 ? 1.0 : Math.max(0, 1.0 - (double) physicalReads / pageReads);
    }

    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "warmed %s from %s: %d ranges of %d indexes (%d hot pages on the primary), %d pages asked, %d read from"
                        + " disk, warmth before %.0f %%, %d ms (buffer pool scan %d ms)%s",
                standby, primary, ranges, hotIndexes, primaryHotPages, pagesAsked, physicalReads, 100 * warmth(),
                took.toMillis(), scanMillis, (skipped > 0 ? ", " + skipped + " batches skipped (whole-index plans)" : "")
                        + (stoppedForLag ? ", stopped: the standby lagged" : pauses > 0
                        ? ", paused " + pauses + " s for lag" : ""));
    }
}
