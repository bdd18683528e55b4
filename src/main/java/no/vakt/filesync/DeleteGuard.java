package no.vakt.filesync;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Durations;

/**
 * Decides whether a push or reconcile may delete on the target. Pure: the caller observes, this decides.
 *
 * <ul>
 * <li>Deletes never follow a source that is missing, empty, unreadable or not the expected mount.</li>
 * <li>Deletions are counted over a rolling {@code window} (files.delete-window, 1 h): all deletions
 *     propagated within it may remove at most {@code maxDeletePercent} of the target's files (as it was
 *     before them). Judging each batch alone let an {@code rm -rf} of 40,000 files through 6,464 at a
 *     time, and a slow deletion empty the target batch by batch. Up to {@link #ALWAYS_ALLOWED} files per
 *     window are allowed whatever the percentage, so small directories still lose a file or two.</li>
 * <li>A hold is sticky: once deletions are held back, no push deletes anything, and only a reconcile
 *     that finds the source {@code PRESENT} and the target holding at most {@link #ALWAYS_ALLOWED} files the
 *     source lacks releases it (the files came back: a remounted disk, a restore). Anything else waits for
 *     an operator: {@code vakt sync --no-delete-guard}. An overflow reconcile, a restart or another
 *     {@code vakt sync} do not release it (the hold is kept in {@link GuardFile}).</li>
 * </ul>
 */
final class DeleteGuard {
    /** A handful of files is below any mass deletion worth stopping a sync for. */
    static final long ALWAYS_ALLOWED = 10;

    private DeleteGuard() {}

    /** The limits from {@code files:}. */
    record Limits(int maxDeletePercent, Duration window) {}

    /**
     * A hold in force.
     *
     * @param since when deletions were first held back
     * @param sourceState the source's state then ({@link SourceRoot#label()}), null when it was the count
     * @param trigger the reason given then
     */
    record Hold(Instant since, String sourceState, String trigger) {}

    /**
     * @param allowed whether deletions go ahead in this run
     * @param reason why they are held back (re-evaluated on every decision); null when allowed
     * @param hold the hold to keep after this run; null when none
     * @param released true when a hold in force ended with this decision
     */
    record Decision(boolean allowed, String reason, Hold hold, boolean released) {
        static final Decision ALLOW = new Decision(true, null, null, false);
    }

    /** Deletions propagated in one minute ({@code minute}: minutes since the epoch). */
    record Bucket(long minute, long count) {}

    /**
     * @param source the source root as observed just now
     * @param targetFiles files on the target before the run
     * @param wouldDelete files the run would remove on the target; for a reconcile ({@code wholeTree}), every
     *     file the target has and the source lacks
     * @param deletedInWindow files already deleted on the target within the window
     * @param disabled the operator switched the guard off for this run ({@code --no-delete-guard})
     * @param held the hold in force, null when none
     * @param wholeTree true for a reconcile, false for a push of some changed paths
     */
    static Decision decide(SourceRoot source, long targetFiles, long wouldDelete, long deletedInWindow, Limits limits,
            boolean disabled, Hold held, boolean wholeTree, Instant now) {
        if (disabled) return held == null ? Decision.ALLOW : new Decision(true, null, null, true);
        boolean released = false;
        if (held != null) {
            // The reason says why they are held back now; since when is the hold's own (DirectoryStatus).
            if (!wholeTree) {
                // A push sees a few paths, not what the target has beyond the source: only a reconcile can release.
                String why;
                if (source != SourceRoot.PRESENT) {
                    why = "the source directory is " + source.label();
                } else if (held.sourceState() != null) {
                    why = "the source directory was " + held.sourceState() + " when deletions were held back; it has"
                            + " files again: the next reconcile checks what it would delete";
                } else {
                    why = held.trigger();
                }
                return hold(why + untilOverride(), held);
            }
            if (source != SourceRoot.PRESENT) {
                return hold("the source directory is " + source.label() + "; " + wouldDelete
                        + " deletion(s) on the target held back" + untilOverride(), held);
            }
            if (wouldDelete > ALWAYS_ALLOWED) {
                return hold("the source lacks " + wouldDelete + " of the target's " + targetFiles + " files (held back"
                        + " because: " + held.trigger() + ")" + untilOverride(), held);
            }
            released = true; // the source has (nearly) everything the target has again
            deletedInWindow = 0; // what is left is ordinary churn, judged afresh
        }
        if (wouldDelete <= 0) return released ? new Decision(true, null, null, true) : Decision.ALLOW;
        if (source != SourceRoot.PRESENT) {
            String why = "the source directory is " + source.label() + "; " + wouldDelete + " deletion(s) on the target"
                    + " held back";
            return hold(why + untilOverride(), new Hold(now, source.label(), why));
        }
        long before = targetFiles + deletedInWindow;
        long limit = Math.max(ALWAYS_ALLOWED, before * limits.maxDeletePercent() / 100);
        if (deletedInWindow + wouldDelete > limit) {
            String window = Durations.format(limits.window());
            String why = "would delete " + wouldDelete + " of the target's " + targetFiles + " files"
                    + (deletedInWindow > 0 ? ", after " + deletedInWindow + " deleted within the last " + window : "")
                    + ": more than " + limits.maxDeletePercent() + "% within " + window;
            return hold(why + "; deletions held back, copying continues" + untilOverride(), new Hold(now, null, why));
        }
        return new Decision(true, null, null, released);
    }

    private static String untilOverride() {
        return "; released by `vakt sync --no-delete-guard` or when the source has the files again";
    }

    private static Decision hold(String reason, Hold h) {
        return new Decision(false, reason, h, false);
    }

    /**
     * Files deleted within {@code window} before {@code now}. The minute the window starts in counts whole:
     * up to a minute too much, never too little.
     */
    static long inWindow(List<Bucket> buckets, Instant now, Duration window) {
        long from = minute(now.minus(window));
        long n = 0;
        for (Bucket b : buckets) if (b.minute() >= from) n += b.count();
        return n;
    }

    /**
     * {@code buckets} plus {@code count} deletions now, without those that left the window. Bounded: one
     * bucket per minute of the window (at most 7 d, 10,081 buckets), however often pushes delete.
     */
    static List<Bucket> record(List<Bucket> buckets, Instant now, long count, Duration window) {
        long from = minute(now.minus(window));
        long m = minute(now);
        List<Bucket> out = new ArrayList<>();
        boolean added = count <= 0;
        for (Bucket b : buckets) {
            if (b.minute() < from) continue;
            if (!added && b.minute() == m) {
                out.add(new Bucket(m, b.count() + count));
                added = true;
            } else {
                out.add(b);
            }
        }
        if (!added) out.add(new Bucket(m, count));
        return out;
    }

    private static long minute(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 60);
    }
}
