package no.vakt.journal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One journal line.
 *
 * @param node the node the event is about; null when it concerns the whole cluster
 * @param failoverId the failover this event belongs to; null otherwise
 * @param details structured evidence as the caller passed it (a JSON object, possibly empty)
 */
public record JournalEvent(
        long id,
        Instant at,
        String cluster,
        EventKind kind,
        String node,
        String summary,
        Long failoverId,
        JsonNode details) {}
