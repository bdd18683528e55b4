package no.vakt.backup;

/** A backup, verify or restore step failed; the message says which and why, without secrets. */
public final class BackupFailedException extends Exception {
    public BackupFailedException(String message) {
        super(message);
    }
}
