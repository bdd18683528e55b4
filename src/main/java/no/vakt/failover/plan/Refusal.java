package no.vakt.failover.plan;

/** One reason a promotion is refused, with the facts behind it. */
public record Refusal(RefusalReason reason, String message) {
    public boolean overridable() {
        return reason.overridable();
    }

    @Override
    public String toString() {
        return reason + ": " + message;
    }
}
