package no.vakt.backup;

import static no.vakt.backup.InPlaceRestore.Phase.STAGED;
import static no.vakt.backup.InPlaceRestore.Phase.STAGING;
import static no.vakt.backup.InPlaceRestore.Phase.SWAPPING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import no.vakt.backup.InPlaceRestore.Step;
import org.junit.jupiter.api.Test;

/** Where a second run of an in-place restore picks up, from the marker and what exists (datadir, staged data, old data). */
class InPlaceRestoreTest {
    @Test
    void anUnfinishedRestoreStartsOverAStagedOneSwapsAHalfSwapFinishesAnythingElseStops() {
        assertThat(InPlaceRestore.next(Optional.empty(), true, false, false)).isEqualTo(Step.RESTORE);
        assertThat(InPlaceRestore.next(Optional.of(STAGING), true, true, false)).as("killed while replaying").isEqualTo(Step.RESTART_RESTORE);
        assertThat(InPlaceRestore.next(Optional.of(STAGED), true, true, false)).isEqualTo(Step.SWAP);
        assertThat(InPlaceRestore.next(Optional.of(SWAPPING), false, true, true)).as("between the two renames").isEqualTo(Step.FINISH_SWAP);
        assertThat(InPlaceRestore.next(Optional.of(SWAPPING), true, false, true)).as("after both, before the cleanup").isEqualTo(Step.FINISH_SWAP);
        assertThat(InPlaceRestore.next(Optional.of(STAGED), false, true, false)).as("the datadir vanished").isEqualTo(Step.INCONSISTENT);
        assertThat(InPlaceRestore.next(Optional.of(SWAPPING), false, false, true)).as("nothing to put in place").isEqualTo(Step.INCONSISTENT);
    }
}
