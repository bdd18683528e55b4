package no.vakt.failover.plan;

import java.util.Locale;

/**
 * What asks for a failover: the detector, or a person running {@code vakt promote}.
 *
 * @param confirm the operator passed {@code --confirm} (without it the plan is shown, not run)
 * @param force the operator passed {@code --force}: override the cooldown, the RPO and an unconfirmed
 *     primary state, never a running failover or an unreachable standby
 */
public record Trigger(Kind kind, boolean confirm, boolean force) {
    public enum Kind { AUTOMATIC_DETECTION, OPERATOR }

    public Trigger {
        if (kind == Kind.AUTOMATIC_DETECTION && (confirm || force)) {
            throw new IllegalArgumentException("--confirm and --force are operator flags");
        }
    }

    public static Trigger automatic() {
        return new Trigger(Kind.AUTOMATIC_DETECTION, false, false);
    }

    public static Trigger operator(boolean confirm, boolean force) {
        return new Trigger(Kind.OPERATOR, confirm, force);
    }

    public boolean isOperator() {
        return kind == Kind.OPERATOR;
    }

    /**
     * The journal's label: {@code automatic-detection}, {@code operator} or {@code operator-force}. The
     * force flag is part of it because a resumed CHECK_DATA_LOSS must know whether the RPO was waived.
     */
    public String label() {
        if (kind == Kind.AUTOMATIC_DETECTION) return "automatic-detection";
        return force ? "operator-force" : "operator";
    }

    /** Parses {@link #label()}; a journaled operator failover had been confirmed, or it would not exist. */
    public static Trigger fromLabel(String label) {
        return switch (label.toLowerCase(Locale.ROOT)) {
            case "automatic-detection" -> automatic();
            case "operator" -> operator(true, false);
            case "operator-force" -> operator(true, true);
            default -> throw new IllegalArgumentException("unknown trigger '" + label + "'");
        };
    }
}
