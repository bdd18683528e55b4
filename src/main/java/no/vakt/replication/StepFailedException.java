package no.vakt.replication;

/** A step could not do its part; the message says why and what to do, without secrets. */
public final class StepFailedException extends Exception {
    public StepFailedException(String message) {
        super(message);
    }
}
