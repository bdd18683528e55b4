package no.vakt.filesync;

/**
 * Decides whether a push or reconcile may delete on the target. Pure: the caller observes, this
 * decides. Deletes never follow a source that is missing, empty, unreadable or not the expected mount;
 * and a run that would remove more than {@code maxDeletePercent} of the target's files deletes nothing
 * (copying goes on). Runs removing at most {@link #ALWAYS_ALLOWED} files are not held to the percentage,
 * so small directories can still lose a file or two; an empty source is refused whatever the count.
 */
final class DeleteGuard {
    /** A handful of files is below any mass deletion worth stopping a sync for. */
    static final long ALWAYS_ALLOWED = 10;

    private DeleteGuard() {}

    /** @param reason why the deletes were held back; null when allowed */
    record Decision(boolean allowed, String reason) {
        static final Decision ALLOW = new Decision(true, null);

        static Decision hold(String reason) {
            return new Decision(false, reason);
        }
    }

    /**
     * @param source the source root as observed just now
     * @param targetFiles files on the target before the run
     * @param wouldDelete files the run would remove on the target
     * @param disabled the operator switched the guard off for this run
     */
    static Decision decide(SourceRoot source, long targetFiles, long wouldDelete, int maxDeletePercent, boolean disabled) {
        if (wouldDelete <= 0 || disabled) return Decision.ALLOW;
        if (source != SourceRoot.PRESENT) {
            return Decision.hold("the source directory is " + source.label() + "; " + wouldDelete
                    + " deletion(s) on the target held back");
        }
        long limit = Math.max(ALWAYS_ALLOWED, targetFiles * maxDeletePercent / 100);
        if (wouldDelete > limit) {
            return Decision.hold("would delete " + wouldDelete + " of the target's " + targetFiles + " files (more than "
                    + maxDeletePercent + "%); deletions held back, copying continues");
        }
        return Decision.ALLOW;
    }
}
