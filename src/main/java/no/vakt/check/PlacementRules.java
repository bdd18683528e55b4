package no.vakt.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import no.vakt.config.Jurisdictions;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;

/** Where the data may live: every node and the backup repository inside the allowed jurisdictions. Needs no server. */
final class PlacementRules {
    private PlacementRules() {}

    static List<Finding> jurisdictions(VaktConfig config, Observations o) {
        List<String> allowed = config.policy().jurisdictions();
        Set<String> countries = Jurisdictions.expand(allowed);
        List<Finding> out = new ArrayList<>();
        for (Node n : List.of(config.primary(), config.standby())) {
            String role = role(n, o);
            String country = config.countryOf(n);
            if (country != null && countries.contains(country.toUpperCase(java.util.Locale.ROOT))) {
                out.add(Finding.ok("jurisdiction", n.name(), "in " + country + ", allowed by " + allowed));
            } else {
                out.add(Finding.error("jurisdiction", n.name(), "the " + role + " is in " + country
                                + ", outside the allowed jurisdictions " + allowed + ": its data would be stored there",
                        "move " + n.name() + " to a site in " + allowed + ", or, only if your legal basis allows it, add "
                                + country + " to policy.jurisdictions"));
            }
        }
        return out;
    }

    /** The backup repository holds a full copy of the data: the same rule as a node's, under its own name. */
    static List<Finding> backupRepository(VaktConfig config, Observations o) {
        if (!config.backup().configured()) return List.of();
        List<String> allowed = config.policy().jurisdictions();
        String country = config.backup().repository().country();
        String where = "backup repository";
        if (country != null && Jurisdictions.expand(allowed).contains(country.toUpperCase(java.util.Locale.ROOT))) {
            return List.of(Finding.ok("jurisdiction", where, "in " + country + ", allowed by " + allowed));
        }
        return List.of(Finding.error("jurisdiction", where, "the backup repository is in " + country
                        + ", outside the allowed jurisdictions " + allowed + ": the backups would be stored there",
                "move backup.repository to a place in " + allowed + ", or, only if your legal basis allows it, add "
                        + country + " to policy.jurisdictions"));
    }

    /** The live role when the probe settled it, else the config's (this rule needs no server). */
    private static String role(Node n, Observations o) {
        if (o != null && o.primary() != null && o.primary().node().equals(n)) return "primary";
        if (o != null && o.standby() != null && o.standby().node().equals(n)) return "standby";
        return n.role().label();
    }
}
