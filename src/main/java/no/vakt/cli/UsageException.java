package no.vakt.cli;

/** The operator asked for something that cannot be done as asked; nothing was changed. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
