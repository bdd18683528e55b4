package no.vakt.failover.planned;

import no.vakt.filesync.FileSyncDirections;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.filesync.SyncDirection;
import no.vakt.journal.Journal;

/**
 * A switchover's file-sync hand-over, run by the shared HANDOVER step: files flow to the old primary only
 * when it follows the new one (REPOINT_OLD_PRIMARY worked); else nowhere until a rejoin. Here, not in each
 * caller: the CLI, the API and a drill's switch-back all turn file sync around.
 */
final class SwitchoverFiles implements FileSyncDirector {
    private final Journal journal;
    private final SwitchoverState run;

    SwitchoverFiles(Journal journal, SwitchoverState run) {
        this.journal = journal;
        this.run = run;
    }

    @Override
    public void makeSource(String cluster, String node, long epoch) {
        run.filesTurned = run.repointed
                ? FileSyncDirections.afterSwitchover(journal, run.config, node, run.from.name(), epoch)
                : run.config.files().enabled()
                        && FileSyncDirections.record(journal, run.config, new SyncDirection(node, null, epoch, "switchover"));
    }
}
