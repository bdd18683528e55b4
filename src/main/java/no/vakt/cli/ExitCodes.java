package no.vakt.cli;

/** Exit codes shared by every command. */
public final class ExitCodes {
    /** Done, or ready. */
    public static final int OK = 0;
    /** Ran, but the answer is "not ready" / the action failed. */
    public static final int FAILED = 1;
    /** Bad usage or bad config: nothing was done. */
    public static final int USAGE = 2;

    private ExitCodes() {}
}
