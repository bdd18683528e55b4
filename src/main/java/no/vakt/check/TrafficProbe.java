package no.vakt.check;

import java.util.ArrayList;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.traffic.TrafficEntry;
import no.vakt.traffic.TrafficException;
import no.vakt.traffic.TrafficProvider;
import no.vakt.traffic.TrafficView;

/** The I/O side of the traffic rules: each entry's read-only access check and its live record. Never writes. */
final class TrafficProbe {
    private TrafficProbe() {}

    static List<TrafficObservation> observe(VaktConfig config) {
        List<TrafficObservation> out = new ArrayList<>();
        for (int i = 0; i < config.traffic().size(); i++) {
            TrafficEntry entry = TrafficEntry.of(config.traffic().get(i));
            java.time.Duration maxTtl = entry.maxTtl() != null ? entry.maxTtl() : config.policy().maxTtl();
            String name = TrafficView.typeOf(entry);
            try {
                TrafficProvider p = entry.open(config);
                name = p.describe();
                p.checkAccess();
                TrafficProvider.PointsAt at = p.show();
                out.add(new TrafficObservation(i, name, null, at, maxTtl));
            } catch (TrafficException | RuntimeException e) {
                out.add(new TrafficObservation(i, name, e.getMessage() != null ? e.getMessage() : e.toString(), null, maxTtl));
            }
        }
        return out;
    }
}
