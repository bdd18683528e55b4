package no.vakt.faults;

import java.util.List;

/**
 * What one run of one row of the fault matrix saw. The invariants every row must keep are the matrix's
 * own: no acknowledged write lost with semi-sync, never two writable primaries, no file missing after
 * recovery; {@link #violations()} lists the ones broken.
 *
 * @param ackedLost acknowledged writes missing on the live primary at the end (the application's view)
 * @param maxWritable the most nodes seen writable and reachable by the application in one sample
 * @param recoverMs from the fault to the first acknowledged write on the node that serves after it (for a
 *     row where no failover is expected: the longest write gap); null when writes never came back
 * @param filesMissing uploads the application wrote that are missing on either site after recovery
 * @param observed what happened, in a few words, for the table
 */
public record Outcome(
        String row,
        boolean semiSync,
        String expected,
        String observed,
        long ackedLost,
        int maxWritable,
        Long recoverMs,
        long filesMissing,
        List<String> violations) {

    public Outcome {
        violations = List.copyOf(violations);
    }

    public boolean passed() {
        return violations.isEmpty();
    }
}
