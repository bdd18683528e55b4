package no.vakt.drill;

import no.vakt.config.FaultKind;

/**
 * A fault the drill injects. {@link #remove()} undoes it and is safe to call at any time: before
 * {@link #inject()}, after a failed inject, and twice; the drill calls it on every exit path.
 */
public interface Fault {
    FaultKind kind();

    /** What exactly will be done, for the statement before the drill: "SIGKILL of mariadbd pid 4711 on oslo-db". */
    String describe();

    void inject() throws Exception;

    /** Undoes the fault; returns what was done ("nothing to undo" when nothing). */
    String remove() throws Exception;
}
