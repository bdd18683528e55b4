package no.vakt.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON mapper for journal records ({@code vakt history --json}): ISO-8601 instants, not numbers. */
public final class JournalJson {
    private JournalJson() {}

    /** {@code value} as indented JSON, as the CLI prints it. */
    public static String pretty(Object value) throws com.fasterxml.jackson.core.JsonProcessingException {
        return mapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }
}
