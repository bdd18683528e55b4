package no.vakt.coordination;

/**
 * The agent's link to the coordination service, as Curator reports it: authority needs {@link #live()} one.
 * LOCAL is the single monitor without ZooKeeper.
 */
public enum SessionState {
    LOCAL, CONNECTING, CONNECTED, RECONNECTED, SUSPENDED, LOST, READ_ONLY, CLOSED;

    /** Only a connected session (first or again) may back authority: SUSPENDED and LOST end it at once. */
    public boolean live() {
        return this == LOCAL || this == CONNECTED || this == RECONNECTED;
    }
}
