package no.vakt.drill;

import java.time.Duration;
import no.vakt.config.FaultKind;

/**
 * kill-db and stop-db: the primary's database dies (SIGKILL) or shuts down cleanly. Removing the fault
 * starts it again; the drill fences it (read_only=ON) at once, because a lab server configured as a
 * primary comes back writable next to the new primary.
 */
final class ProcessFault implements Fault {
    private final FaultKind kind;
    private final DatabaseProcess process;
    private final Duration startWait;
    private boolean injected;

    ProcessFault(FaultKind kind, DatabaseProcess process, Duration startWait) {
        if (kind != FaultKind.KILL_DB && kind != FaultKind.STOP_DB) throw new IllegalArgumentException(kind.label());
        this.kind = kind;
        this.process = process;
        this.startWait = startWait;
    }

    @Override
    public FaultKind kind() {
        return kind;
    }

    @Override
    public String describe() {
        return (kind == FaultKind.KILL_DB ? "SIGKILL of " : "clean shutdown of ") + process.describe();
    }

    @Override
    public void inject() throws Exception {
        injected = true;
        if (kind == FaultKind.KILL_DB) process.kill();
        else process.stop(Duration.ofSeconds(30));
    }

    @Override
    public String remove() throws Exception {
        if (!injected) return "nothing to undo";
        process.start(startWait);
        injected = false;
        return "started " + process.describe() + " again";
    }
}
