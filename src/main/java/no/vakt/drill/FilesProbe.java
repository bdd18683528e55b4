package no.vakt.drill;

import no.vakt.config.Node;

/**
 * Whether the site's files are present on the new primary's site after the failover (file sync's
 * business). Until file sync is configured there is nothing to look at: {@link #NONE} says so and the
 * report lists the observation as skipped.
 */
public interface FilesProbe {
    FilesProbe NONE = new FilesProbe() {
        @Override
        public String unavailable() {
            return "files on the new primary: file sync is not configured";
        }

        @Override
        public boolean present(Node node) {
            return false;
        }
    };

    /** Why this cannot be observed, or null when it can. */
    String unavailable();

    /** True when the files the primary's site had are present at {@code node}'s site. */
    boolean present(Node node) throws Exception;
}
