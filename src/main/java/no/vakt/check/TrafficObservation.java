package no.vakt.check;

import java.time.Duration;
import no.vakt.traffic.TrafficProvider;

/**
 * One traffic entry as the preflight saw it.
 *
 * @param index position in {@code traffic:}
 * @param entry the provider's description (or its type when it could not be opened)
 * @param accessError why the read-only call failed; null when the credentials were accepted
 * @param pointsAt what the authority answers now; null when it could not be read
 * @param maxTtl the largest TTL accepted: the entry's max-ttl, else policy.max-ttl
 */
public record TrafficObservation(int index, String entry, String accessError, TrafficProvider.PointsAt pointsAt,
        Duration maxTtl) {}
