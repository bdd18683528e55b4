package no.vakt.journal;

/** The journal could not be read or written. Unchecked: callers cannot continue a failover without it. */
public final class JournalException extends RuntimeException {
    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
