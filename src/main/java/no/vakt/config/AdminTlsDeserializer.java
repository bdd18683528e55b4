package no.vakt.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a node's {@code mysql.tls} ({@code mode}, {@code ca}) and supplies the default when the key is
 * absent: the {@code replication.tls} setting that {@link ConfigLoader} read beforehand. Errors are
 * Jackson's own exceptions with the path of the field, so they are reported like every other key.
 */
final class AdminTlsDeserializer extends StdDeserializer<AdminTls> {
    /** Attribute: the {@link AdminTls} a node without {@code mysql.tls} gets. */
    static final String DEFAULT = "vakt.adminTlsDefault";
    /** Attribute: the config file, for the origin named in messages. */
    static final String FILE = "vakt.file";
    /** Attribute: the file's {@link LocationIndex}, for the line of the {@code tls:} key itself. */
    static final String INDEX = "vakt.locationIndex";
    static final List<Object> KEYS = List.of("ca", "mode");
    private static final String EXPECTED = "expected a section with keys: mode (disable, trust, verify-ca,"
            + " verify-full), ca (a PEM file); or no tls: at all to follow replication.tls";

    AdminTlsDeserializer() {
        super(AdminTls.class);
    }

    @Override
    public AdminTls deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.isExpectedStartObjectToken()) throw MismatchedInputException.from(p, (Class<?>) null, EXPECTED);
        String origin = origin(p, ctxt);
        TlsMode mode = null;
        Path ca = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken value = p.nextToken();
            if (!KEYS.contains(name)) throw UnrecognizedPropertyException.from(p, AdminTls.class, name, KEYS);
            try {
                if (name.equals("mode")) {
                    mode = value == JsonToken.VALUE_NULL ? null : ctxt.readValue(p, TlsMode.class);
                } else {
                    ca = value == JsonToken.VALUE_NULL ? null : ctxt.readValue(p, Path.class);
                }
            } catch (JsonMappingException e) {
                throw JsonMappingException.wrapWithPath(e, AdminTls.class, name);
            }
        }
        return AdminTls.ofNode(mode, ca, origin);
    }

    /** No {@code tls:} on the node: what replication.tls implies, else plaintext. */
    @Override
    public AdminTls getAbsentValue(DeserializationContext ctxt) {
        return ctxt.getAttribute(DEFAULT) instanceof AdminTls inherited ? inherited : AdminTls.NONE;
    }

    /** {@code tls:} with nothing after it is a section left unfinished, not a choice. */
    @Override
    public AdminTls getNullValue(DeserializationContext ctxt) throws JsonMappingException {
        throw MismatchedInputException.from(ctxt.getParser(), (Class<?>) null, EXPECTED);
    }

    /** "sites[0].nodes[1].mysql.tls at FILE:LINE", from the parser's position at the section's start. */
    private static String origin(JsonParser p, DeserializationContext ctxt) {
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c = p.getParsingContext().getParent(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                path.insert(0, (c.getParent() != null && c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
            } else if (c.inArray()) {
                path.insert(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            }
        }
        Object file = ctxt.getAttribute(FILE);
        com.fasterxml.jackson.core.JsonLocation at = ctxt.getAttribute(INDEX) instanceof LocationIndex index
                ? index.findExact(path.toString()) : null;
        int line = (at != null ? at : p.currentTokenLocation()).getLineNr();
        return path + (file != null ? " at " + file + (line > 0 ? ":" + line : "") : "");
    }
}
