package no.vakt.cli;

import java.util.Optional;
import no.vakt.coordination.ZooKeeperRuns;
import no.vakt.maintenance.PauseStore;

/** The cluster's pause state in ZooKeeper ({@code /pause}), for {@link no.vakt.maintenance.Maintenance#share}. */
record SharedPause(ZooKeeperRuns runs) implements PauseStore {
    @Override
    public Optional<String> latest() {
        return runs.pause();
    }

    @Override
    public void write(String json) {
        runs.pause(json);
    }
}
