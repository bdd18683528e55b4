package no.vakt.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/** {@code vakt status --json}: the fields are documented on {@link StatusReport}. */
public final class StatusJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private StatusJson() {}

    /** Indented, for a person piping into a pager. */
    public static String pretty(StatusReport report) {
        return write(report, true);
    }

    /** One line, for {@code --watch --json} (JSON Lines). */
    public static String compact(StatusReport report) {
        return write(report, false);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static String write(StatusReport report, boolean indent) {
        try {
            return indent ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report)
                    : MAPPER.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render status as JSON", e);
        }
    }
}
