package no.vakt.maintenance;

import java.util.Optional;

/**
 * Where a pause is shared beyond this journal: with agents, ZooKeeper, so a pause set through any agent holds on the
 * leader (docs/ha.md). It keeps the newest pause or resume as {@link Maintenance} wrote it (JSON).
 */
public interface PauseStore {
    /** The newest pause or resume; empty when none. Throws (unchecked) when it cannot be read now. */
    Optional<String> latest();

    /** Replaces it. Throws (unchecked) when it cannot be written now. */
    void write(String json);
}
