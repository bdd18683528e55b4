package no.vakt.filesync;

import java.util.function.Consumer;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;

/**
 * The failover's HANDOVER step for files: the new primary becomes the source at once, and nothing is
 * pushed anywhere until the old primary is rejoined ({@link FileSyncDirections#afterRejoin}). Journals
 * the direction (which every Vakt process reads) and tells a file sync running in this process, which
 * stops pushing from the old primary before this returns.
 */
public final class JournalFileSyncDirector implements FileSyncDirector {
    private final Journal journal;
    private final VaktConfig config;
    private final Consumer<SyncDirection> running;

    /** @param running the file sync in this process, or null */
    public JournalFileSyncDirector(Journal journal, VaktConfig config, Consumer<SyncDirection> running) {
        this.journal = journal;
        this.config = config;
        this.running = running;
    }

    @Override
    public void makeSource(String cluster, String node, long epoch) {
        if (!config.files().enabled()) {
            new LoggingFileSyncDirector().makeSource(cluster, node, epoch);
            return;
        }
        if (config.node(node).isEmpty()) throw new IllegalArgumentException("no node named " + node + " in the config");
        SyncDirection d = new SyncDirection(node, null, epoch, "failover");
        FileSyncDirections.record(journal, config, d);
        if (running != null) running.accept(FileSyncDirections.current(journal, config));
    }
}
