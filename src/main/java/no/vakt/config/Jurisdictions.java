package no.vakt.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Country codes allowed by the policy; {@code EEA} and {@code EU} expand to their members. */
public final class Jurisdictions {
    /** EU members plus Iceland, Liechtenstein and Norway (the EEA Agreement). */
    public static final Set<String> EEA = Set.of(
            "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
            "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO");
    public static final Set<String> EU = Set.of(
            "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
            "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE");
    public static final List<String> DEFAULT = List.of("NO", "EEA");

    private Jurisdictions() {}

    public static Set<String> expand(List<String> allowed) {
        Set<String> out = new LinkedHashSet<>();
        for (String a : allowed) {
            String code = a.toUpperCase(Locale.ROOT);
            switch (code) {
                case "EEA" -> out.addAll(EEA);
                case "EU" -> out.addAll(EU);
                default -> out.add(code);
            }
        }
        return out;
    }

    public static boolean isKnownEntry(String entry) {
        String code = entry.toUpperCase(Locale.ROOT);
        return code.equals("EEA") || code.equals("EU") || isCountryCode(code);
    }

    /**
     * An assigned ISO 3166-1 alpha-2 code in capitals ("NO", not "no", "UK" or "XX"): a made-up code would
     * pass the jurisdiction check only by matching a made-up entry in policy.jurisdictions.
     */
    public static boolean isCountryCode(String code) {
        return code != null && ISO_COUNTRIES.contains(code);
    }

    private static final Set<String> ISO_COUNTRIES = Set.of(Locale.getISOCountries());
}
