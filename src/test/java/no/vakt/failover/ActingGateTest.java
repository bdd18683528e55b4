package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import no.vakt.coordination.LocalCoordinator;
import org.junit.jupiter.api.Test;

class ActingGateTest {
    @Test
    void actsOnlyWhileTheCoordinatorGrantsAndSaysOnceWhenHeldBackAndOnceWhenBack() {
        AtomicBoolean lockHeld = new AtomicBoolean(true);
        List<String> lines = new ArrayList<>();
        ActingGate gate = new ActingGate(new LocalCoordinator("oslo", lockHeld::get, Clock.systemUTC()), lines::add);

        assertThat(gate.mayAct("failover")).isTrue();
        assertThat(lines).isEmpty();

        lockHeld.set(false);
        assertThat(gate.mayAct("failover")).isFalse();
        assertThat(gate.mayAct("door fence at bergen-db")).isFalse();
        assertThat(lines).containsExactly(
                "not acting (failover): agent oslo has no authority: the journal's cluster lock is not held");

        lockHeld.set(true);
        assertThat(gate.mayAct("door fence at bergen-db")).isTrue();
        assertThat(lines).hasSize(2).last().asString().startsWith("agent oslo acts again");
    }

    @Test
    void withoutACoordinatorItAlwaysActsAsBefore() {
        assertThat(ActingGate.ALWAYS.mayAct("failover")).isTrue();
    }
}
