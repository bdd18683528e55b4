package no.vakt.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import no.vakt.config.FaultKind;
import no.vakt.config.Objectives;

/**
 * The drill's figures, computed from what was observed (pure).
 *
 * <ul>
 *   <li>RTO: from the fault to the first acknowledged write, through the service, that did not go to
 *       the old primary. Null when there was none (or, for partition-monitor, none was expected).</li>
 *   <li>RPO: the acknowledged writes missing on the primary at the end: their count, and the time they
 *       cover, from the first missing acknowledgement to the later of the fault and the last missing one.</li>
 *   <li>Longest write gap after the fault: for partition-monitor, how long the application noticed nothing.</li>
 * </ul>
 *
 * @param reasons why the drill failed, one line each; empty when it passed
 */
public record Measurement(
        Long rtoMs,
        long rpoRows,
        long rpoMs,
        List<Long> missingSeqs,
        long acked,
        long ackedBeforeFault,
        long longestGapAfterFaultMs,
        boolean failoverExpected,
        boolean failoverHappened,
        long rtoObjectiveMs,
        long rpoObjectiveMs,
        boolean rtoMet,
        boolean rpoMet,
        boolean passed,
        List<String> reasons) {

    /** At most this many missing sequence numbers are listed in the report (the count is always exact). */
    static final int MAX_LISTED = 50;

    /**
     * @param oldPrimaryHosts the old primary's addresses (host names and IPs) as acknowledgements name them
     * @param presentSeqs the drill's sequence numbers found on the primary at the end
     * @param observedUntil when observation ended (bounds the gap after the last write)
     */
    public static Measurement compute(FaultKind kind, Instant faultAt, Instant observedUntil, List<LoadWriter.Ack> acks,
            Set<Long> presentSeqs, Set<String> oldPrimaryHosts, boolean failoverHappened, Objectives objectives) {
        List<LoadWriter.Ack> missing = acks.stream().filter(a -> !presentSeqs.contains(a.seq())).toList();
        long rpoMs = 0;
        if (!missing.isEmpty()) {
            Instant first = missing.get(0).at();
            Instant last = missing.get(missing.size() - 1).at();
            rpoMs = Duration.between(first, last.isAfter(faultAt) ? last : faultAt).toMillis();
        }
        Long rtoMs = null;
        if (kind.failoverExpected()) {
            for (LoadWriter.Ack a : acks) {
                if (a.at().isBefore(faultAt) || oldPrimaryHosts.contains(a.host())) continue;
                rtoMs = Duration.between(faultAt, a.at()).toMillis();
                break;
            }
        }
        long gap = longestGap(acks, faultAt, observedUntil);
        long before = acks.stream().filter(a -> a.at().isBefore(faultAt)).count();

        long rtoObjective = objectives.rto().toMillis();
        long rpoObjective = objectives.rpo().toMillis();
        List<String> reasons = new ArrayList<>();
        boolean rtoMet = true;
        if (kind.failoverExpected()) {
            if (!failoverHappened) reasons.add("no failover happened although the fault calls for one");
            if (rtoMs == null) {
                rtoMet = false;
                reasons.add("no write reached a new primary through the service before the drill timed out");
            } else if (rtoMs > rtoObjective) {
                rtoMet = false;
                reasons.add("RTO " + rtoMs + " ms is above the objective " + rtoObjective + " ms");
            }
        } else if (failoverHappened) {
            reasons.add("false failover: " + kind.label() + " must not fail over (the standby still saw the primary)");
        }
        boolean rpoMet = rpoMs <= rpoObjective;
        if (!rpoMet) reasons.add("RPO " + rpoMs + " ms (" + missing.size() + " acknowledged rows lost) is above the objective "
                + rpoObjective + " ms");
        if (before == 0) reasons.add("no write was acknowledged before the fault: the load never ran");
        return new Measurement(rtoMs, missing.size(), rpoMs,
                missing.stream().limit(MAX_LISTED).map(LoadWriter.Ack::seq).toList(), acks.size(), before, gap,
                kind.failoverExpected(), failoverHappened, rtoObjective, rpoObjective, rtoMet, rpoMet, reasons.isEmpty(),
                List.copyOf(reasons));
    }

    /** The same figures with one more reason to fail (an observation outside RTO and RPO, such as missing files). */
    public Measurement withFailure(String reason) {
        List<String> all = new ArrayList<>(reasons);
        all.add(reason);
        return new Measurement(rtoMs, rpoRows, rpoMs, missingSeqs, acked, ackedBeforeFault, longestGapAfterFaultMs,
                failoverExpected, failoverHappened, rtoObjectiveMs, rpoObjectiveMs, rtoMet, rpoMet, false, List.copyOf(all));
    }

    private static long longestGap(List<LoadWriter.Ack> acks, Instant from, Instant until) {
        Instant prev = from;
        long max = 0;
        for (LoadWriter.Ack a : acks) {
            if (a.at().isBefore(from)) continue;
            max = Math.max(max, Duration.between(prev, a.at()).toMillis());
            prev = a.at();
        }
        if (until != null && until.isAfter(prev)) max = Math.max(max, Duration.between(prev, until).toMillis());
        return max;
    }
}
