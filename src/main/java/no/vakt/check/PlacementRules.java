package no.vakt.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import no.vakt.config.Jurisdictions;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;

/** Where the data may live: every node inside the allowed jurisdictions. Needs no server. */
final class PlacementRules {
    private PlacementRules() {}

    static List<Finding> jurisdictions(VaktConfig config, Observations o) {
        List<String> allowed = config.policy().jurisdictions();
        Set<String> countries = Jurisdictions.expand(allowed);
        List<Finding> out = new ArrayList<>();
        for (Node n : List.of(config.primary(), config.standby())) {
            String country = config.countryOf(n);
            if (country != null && countries.contains(country.toUpperCase(java.util.Locale.ROOT))) {
                out.add(Finding.ok("jurisdiction", n.name(), "in " + country + ", allowed by " + allowed));
            } else {
                out.add(Finding.error("jurisdiction", n.name(), "the " + n.role().label() + " is in " + country
                                + ", outside the allowed jurisdictions " + allowed + ": its data would be stored there",
                        "move " + n.name() + " to a site in " + allowed + ", or, only if your legal basis allows it, add "
                                + country + " to policy.jurisdictions"));
            }
        }
        return out;
    }
}
