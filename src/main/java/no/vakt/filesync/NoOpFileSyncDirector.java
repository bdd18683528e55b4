package no.vakt.filesync;

/** Does nothing: for applications without files outside the database. */
public final class NoOpFileSyncDirector implements FileSyncDirector {
    @Override
    public void makeSource(String cluster, String node, long epoch) {
        // nothing by design
    }
}
