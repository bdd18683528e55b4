package no.vakt.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.Durations;
import no.vakt.maintenance.Actor;
import no.vakt.maintenance.Maintenance;
import no.vakt.maintenance.MaintenanceJson;
import no.vakt.maintenance.Pause;

/** {@code POST /api/pause} and {@code /api/resume}: maintenance mode through the API (admin token). */
final class MaintenanceActions {
    private final Maintenance maintenance;
    private final LiveView view;

    MaintenanceActions(Maintenance maintenance, LiveView view) {
        this.maintenance = maintenance;
        this.view = view;
    }

    /** {@code {"for": "30m", "reason": "...", "by": "alice"}}, all optional; 400 for a bad length or reason. */
    ActionResult pause(JsonNode body, String client) {
        Pause p;
        try {
            Duration length = body.hasNonNull("for") ? length(body.get("for").asText()) : Maintenance.DEFAULT_LENGTH;
            p = maintenance.pause(length, body.hasNonNull("reason") ? body.get("reason").asText() : null, who(body, client));
        } catch (IllegalArgumentException e) {
            return new ActionResult(400, OperatorActions.error("bad_request", e.getMessage()));
        }
        view.pauseChanged();
        return new ActionResult(200, Map.of("paused", true, "maintenance", MaintenanceJson.of(Optional.of(p), view.clock.instant())));
    }

    /** {@code {"by": "alice"}}, optional; {@code resumed} false when no pause was in force. */
    ActionResult resume(JsonNode body, String client) {
        Optional<Pause> ended = maintenance.resume(who(body, client));
        view.pauseChanged();
        return new ActionResult(200, Map.of("resumed", ended.isPresent(),
                "maintenance", MaintenanceJson.of(Optional.empty(), view.clock.instant())));
    }

    /** The name the client gives (vakt pause sends its OS user) at its address; a POST always carries the admin token. */
    private static Actor who(JsonNode body, String client) {
        String by = body.hasNonNull("by") ? body.get("by").asText() : null;
        return Actor.api(by, client, Access.TokenRole.ADMIN.label());
    }

    private static Duration length(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("for: " + e.getMessage(), e);
        }
    }
}
