package no.vakt.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads {@code vakt.yml} into a {@link VaktConfig}, or fails with every problem named by file, line,
 * column and field. Relative paths in the file are taken relative to the file's directory.
 */
public final class ConfigLoader {
    private static final String BASE_DIR = "vakt.baseDir";

    private ConfigLoader() {}

    public static VaktConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw single(file, "", "file not found");
        } catch (IOException e) {
            throw single(file, "", "cannot read: " + e.getMessage());
        }
        return parse(file, text);
    }

    public static VaktConfig parse(Path file, String text) {
        Path baseDir = file.toAbsolutePath().getParent();
        if (text.isBlank()) throw single(file, "", "the file is empty; expected a Vakt configuration");
        LocationIndex index = LocationIndex.of(text);
        VaktConfig config;
        ObjectMapper mapper = mapper();
        ObjectReader reader = mapper.readerFor(VaktConfig.class)
                .withAttribute(BASE_DIR, baseDir)
                .withAttribute(AdminTlsDeserializer.FILE, file)
                .withAttribute(AdminTlsDeserializer.INDEX, index)
                .withAttribute(AdminTlsDeserializer.DEFAULT, adminTlsDefault(mapper, file, text, baseDir, index));
        List<ConfigProblem> problems = new ArrayList<>();
        List<String> unbound = new ArrayList<>();
        try {
            config = reader.readValue(text);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonProcessingException syntax) throw syntaxError(file, syntax);
            problems.add(fromMapping(file, e, index));
            config = bindWithout(mapper, reader, text, e, file, index, problems, unbound);
            if (config == null) throw new ConfigException(problems);
        } catch (JsonProcessingException e) {
            throw syntaxError(file, e);
        }
        if (config == null) {
            throw single(file, "", "the file is empty; expected a Vakt configuration");
        }
        for (ConfigProblem p : ConfigValidator.validate(config, file, index)) {
            if (unbound.stream().noneMatch(u -> follows(p, u))) problems.add(p);
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return config;
    }

    /**
     * Jackson stops at the first value it cannot bind. To report every problem of the file in one run, the
     * value is taken out of the tree and the rest bound again (a bounded number of times); the validator
     * then runs over what did bind. Returns null when what is left still cannot be bound.
     */
    private static VaktConfig bindWithout(ObjectMapper mapper, ObjectReader reader, String text, JsonMappingException first,
            Path file, LocationIndex index, List<ConfigProblem> problems, List<String> unbound) {
        JsonNode tree;
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            tree = parser.nextToken() == null ? null : textTree(parser);
        } catch (IOException e) {
            return null;
        }
        if (tree == null) return null;
        JsonMappingException e = first;
        for (int round = 0; round < MAX_UNBOUND; round++) {
            String field = fromMapping(file, e, index).field();
            if (!remove(tree, e.getPath())) return null;
            unbound.add(field);
            try {
                return reader.readValue(tree);
            } catch (JsonMappingException next) {
                e = next;
                ConfigProblem p = fromMapping(file, next, index);
                // A section that no longer binds because a value inside it was taken out says nothing new.
                if (unbound.stream().noneMatch(u -> u.startsWith(p.field()))) problems.add(p);
            } catch (IOException other) {
                return null;
            }
        }
        return null;
    }

    private static final int MAX_UNBOUND = 100;

    /**
     * The document as a tree whose scalars keep the text written in the file, as binding straight from the
     * text does: a tree read the usual way would turn YAML 1.1's {@code NO} (Norway) into false.
     */
    private static JsonNode textTree(JsonParser p) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    object.set(name, textTree(p));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) array.add(textTree(p));
                return array;
            }
            case VALUE_NULL -> {
                return nodes.nullNode();
            }
            default -> {
                return nodes.textNode(p.getText());
            }
        }
    }

    /** Removes the value a binding error points at; false for a path that names no object field. */
    private static boolean remove(JsonNode tree, List<JsonMappingException.Reference> path) {
        if (path.isEmpty()) return false;
        JsonNode parent = tree;
        for (JsonMappingException.Reference r : path.subList(0, path.size() - 1)) {
            parent = r.getFieldName() != null ? parent.get(r.getFieldName()) : parent.get(r.getIndex());
            if (parent == null) return false;
        }
        String last = path.get(path.size() - 1).getFieldName();
        // Array elements stay: removing one would shift the indexes the other problems are named by.
        if (last == null || !(parent instanceof ObjectNode object) || !object.has(last)) return false;
        object.remove(last);
        return true;
    }

    /** A validator problem that only follows from a value already reported as unbindable. */
    private static boolean follows(ConfigProblem p, String unbound) {
        if (p.field().equals(unbound) || p.field().startsWith(unbound + ".") || p.field().startsWith(unbound + "[")) return true;
        String key = unbound.substring(Math.max(unbound.lastIndexOf('.'), unbound.lastIndexOf(']')) + 1);
        return !key.isEmpty() && p.message().contains(key + ":");
    }

    /**
     * What a node without {@code mysql.tls} uses: {@code replication.tls}, read ahead of the binding
     * because the nodes come first in the file. A section that does not bind yields plaintext here;
     * the binding itself then reports what is wrong with it.
     */
    private static AdminTls adminTlsDefault(ObjectMapper mapper, Path file, String text, Path baseDir,
            LocationIndex index) {
        try {
            JsonNode tls = mapper.readTree(text).path("replication").path("tls");
            if (!tls.isObject()) return AdminTls.NONE;
            Tls replication = mapper.readerFor(Tls.class).withAttribute(BASE_DIR, baseDir).readValue(tls);
            JsonLocation at = index.findExact("replication.tls");
            return AdminTls.following(replication, "replication.tls at " + file + (at != null ? ":" + line(at) : "")
                    + " (the node has no mysql.tls)");
        } catch (IOException | RuntimeException e) {
            return AdminTls.NONE;
        }
    }

    private static ConfigException syntaxError(Path file, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        // SnakeYAML explains over several lines; keep the sentences, drop its own position lines.
        String why = java.util.Arrays.stream(String.valueOf(e.getOriginalMessage()).split("\n"))
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("in '") && !l.startsWith("at [") && !l.startsWith("^"))
                .collect(Collectors.joining("; "));
        return new ConfigException(List.of(new ConfigProblem(file, line(loc), column(loc), "", "not valid YAML: " + why)));
    }

    /** The traffic entry types, looked up once: the traffic package registers them (see {@link TrafficEntryTypes}). */
    private static final Map<String, Class<? extends TrafficEntryConfig>> TRAFFIC_TYPES = TrafficEntryTypes.all();

    static ObjectMapper mapper() {
        SimpleModule module = new SimpleModule("vakt-config");
        TRAFFIC_TYPES.forEach((name, type) -> module.registerSubtypes(new NamedType(type, name)));
        module.addDeserializer(Duration.class, new DurationDeserializer());
        module.addDeserializer(Path.class, new RelativePathDeserializer());
        module.addDeserializer(PlainSecret.class, new PlainSecretDeserializer());
        module.addDeserializer(AdminTls.class, new AdminTlsDeserializer());
        return new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .registerModule(module);
    }

    private static ConfigProblem fromMapping(Path file, JsonMappingException e, LocationIndex index) {
        String field = pathOf(e.getPath());
        JsonLocation loc = e.getLocation();
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            message = "unknown key '" + u.getPropertyName() + "'; expected one of: " + known(u.getKnownPropertyIds());
            field = field.contains(".") || field.contains("[")
                    ? field.substring(0, Math.max(field.lastIndexOf('.'), field.lastIndexOf('[')))
                    : "";
            field = field.isEmpty() ? u.getPropertyName() : field + "." + u.getPropertyName();
        } else if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            message = "expected one of " + enumLabels(f.getTargetType()) + "; got '" + f.getValue() + "'";
        } else if (e instanceof InvalidFormatException f && f.getTargetType() == Duration.class) {
            message = "expected " + Durations.EXPECTED + "; got '" + f.getValue() + "'";
        } else if (e instanceof com.fasterxml.jackson.databind.exc.InvalidTypeIdException t) {
            // A polymorphic section: name the types that exist, not the Java interface (alert channels declare
            // theirs; traffic entries are registered by the traffic package).
            var subtypes = t.getBaseType().getRawClass().getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
            String known = subtypes == null ? String.join(", ", TRAFFIC_TYPES.keySet()) : Arrays.stream(subtypes.value())
                    .map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::name).sorted().collect(Collectors.joining(", "));
            message = t.getTypeId() == null ? "expected a type: key, one of: " + known
                    : "unknown type '" + t.getTypeId() + "'; expected one of: " + known;
        } else if (e instanceof ValueInstantiationException) {
            message = firstLine(e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage());
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            message = "expected " + describe(m.getTargetType());
        } else {
            message = firstLine(e.getOriginalMessage());
        }
        // Jackson reports where it stopped reading, which for records can be past the field; the
        // index knows where the field itself starts.
        JsonLocation exact = index.findExact(field);
        if (exact != null) loc = exact;
        return new ConfigProblem(file, line(loc), column(loc), field, message);
    }

    static String pathOf(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(Class<?> type) {
        if (Collection.class.isAssignableFrom(type)) return "a list";
        if (type == Integer.class || type == int.class) return "a whole number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a text value";
        if (type == Duration.class) return Durations.EXPECTED;
        if (type.isEnum()) return "one of " + enumLabels(type);
        if (type.isRecord()) return "a section with keys: " + Arrays.stream(type.getRecordComponents())
                .map(c -> PropertyNamingStrategies.KebabCaseStrategy.INSTANCE.translate(c.getName()))
                .collect(Collectors.joining(", "));
        return "a value of type " + type.getSimpleName();
    }

    private static String enumLabels(Class<?> enumType) {
        return Arrays.stream(enumType.getFields())
                .filter(java.lang.reflect.Field::isEnumConstant)
                .map(f -> {
                    var p = f.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
                    return p != null ? p.value() : f.getName();
                })
                .collect(Collectors.joining(", "));
    }

    private static String known(Collection<Object> ids) {
        return ids == null ? "" : ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static int line(JsonLocation loc) {
        return loc == null ? 0 : Math.max(loc.getLineNr(), 0);
    }

    private static int column(JsonLocation loc) {
        return loc == null ? 0 : Math.max(loc.getColumnNr(), 0);
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid value";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static ConfigException single(Path file, String field, String message) {
        return new ConfigException(List.of(new ConfigProblem(file, 0, 0, field, message)));
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
            }
        }
    }

    private static final class RelativePathDeserializer extends JsonDeserializer<Path> {
        @Override
        public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null || text.isBlank()) {
                throw InvalidFormatException.from(p, "expected a file path", text, Path.class);
            }
            Path path = Path.of(text);
            Object base = ctxt.getAttribute(BASE_DIR);
            return path.isAbsolute() || base == null ? path : ((Path) base).resolve(path).normalize();
        }
    }

    /** Swallows an inline secret so it is never held, printed or echoed back in an error. */
    private static final class PlainSecretDeserializer extends JsonDeserializer<PlainSecret> {
        @Override
        public PlainSecret deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            p.skipChildren();
            return PlainSecret.GIVEN;
        }

        @Override
        public PlainSecret getNullValue(DeserializationContext ctxt) {
            return PlainSecret.GIVEN; // "password:" with nothing after it is still an inline secret
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }
    }

    /** Collects problems found after binding; locations come from the index. */
    static final class Problems {
        private final Path file;
        private final LocationIndex index;
        private final List<ConfigProblem> list = new ArrayList<>();

        Problems(Path file, LocationIndex index) {
            this.file = file;
            this.index = index;
        }

        void add(String field, String message) {
            JsonLocation loc = index.find(field);
            list.add(new ConfigProblem(file, line(loc), column(loc), field, message));
        }

        List<ConfigProblem> list() {
            return list;
        }
    }
}
