package no.vakt.filesync;

/**
 * Directs file synchronisation (uploads and other files next to the database) so it flows from the
 * new primary's site. Called by the failover's HANDOVER step.
 */
public interface FileSyncDirector {
    /** Makes {@code node}'s site the source of file sync for {@code cluster}. Throws when it did not happen. */
    void makeSource(String cluster, String node, long epoch) throws Exception;
}
