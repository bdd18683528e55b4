package no.vakt.filesync;

/**
 * Which way files flow. After a failover the new primary is the source and there is no target until the
 * old primary has been rejoined as its replica: pushing into a node nobody has checked could overwrite
 * the only copy of files written there before it failed.
 *
 * @param target null while paused
 * @param reason why this direction holds (initial, failover, rejoin, switchover)
 */
public record SyncDirection(String source, String target, long epoch, String reason) {
    public boolean paused() {
        return target == null;
    }
}
