package no.vakt.failover.plan;

import java.util.List;

/**
 * The data a promotion is expected to lose: writes the old primary committed that the standby has not
 * got. Plain fields so it serialises as it is.
 *
 * @param windowMs the span of writes at risk, null when it cannot be estimated
 * @param missingTransactions transactions the standby lacks by GTID, null when the old primary's
 *     position is unknown
 * @param missingGtids the newest missing GTID per domain
 * @param rpoMs the objective it was compared with
 * @param withinRpo whether the expected loss fits the objective; unknown loss does not
 */
public record DataLossEstimate(
        Long windowMs,
        Long missingTransactions,
        List<String> missingGtids,
        long rpoMs,
        boolean withinRpo,
        String explanation) {

    public DataLossEstimate {
        missingGtids = missingGtids != null ? List.copyOf(missingGtids) : List.of();
    }
}
