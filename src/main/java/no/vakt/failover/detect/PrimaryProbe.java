package no.vakt.failover.detect;

/** One probe of the primary by the monitor: it answered within {@code checks.timeout}, or the error. */
public record PrimaryProbe(boolean ok, String error) {
    public static PrimaryProbe succeeded() {
        return new PrimaryProbe(true, null);
    }

    public static PrimaryProbe failed(String error) {
        return new PrimaryProbe(false, error == null || error.isBlank() ? "no answer" : error);
    }
}
