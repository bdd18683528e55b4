package no.vakt.drill;

import no.vakt.config.Node;

/**
 * Whether the site's files reached the new primary's site (file sync's business). {@link CanaryFilesProbe}
 * proves it with a file the drill writes before the fault; without {@code files.directories} there is
 * nothing to look at: {@link #NONE} says so and the report lists the observation as skipped.
 */
public interface FilesProbe {
    FilesProbe NONE = new FilesProbe() {
        @Override
        public String unavailable() {
            return "files on the new primary: file sync is not configured (files.directories)";
        }

        @Override
        public void prepare(Node primary, String drillId) {}

        @Override
        public boolean present(Node node) {
            return false;
        }

        @Override
        public String cleanUp() {
            return null;
        }
    };

    /** Why this cannot be observed, or null when it can. */
    String unavailable();

    /** Before the fault: leaves what {@link #present} looks for on the primary's side. */
    void prepare(Node primary, String drillId) throws Exception;

    /** True when what {@link #prepare} left is present at {@code node}'s site. */
    boolean present(Node node) throws Exception;

    /** Removes what {@link #prepare} left, on every side; what was done for the report, null for nothing. */
    String cleanUp();
}
