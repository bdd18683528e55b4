package no.vakt.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a YAML document starts, keyed by dotted path ({@code sites[0].nodes[1].role}),
 * so checks that run after binding can still name the line and column.
 */
final class LocationIndex {
    private final Map<String, JsonLocation> locations = new HashMap<>();

    static LocationIndex of(String yaml) {
        LocationIndex index = new LocationIndex();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            index.walk(p);
        } catch (IOException e) {
            // The binder reports syntax errors with their own location; a partial index is fine.
        }
        return index;
    }

    private void walk(JsonParser p) throws IOException {
        // Each frame: the path of the container and, for arrays, the next index.
        Deque<String> paths = new ArrayDeque<>();
        Deque<int[]> indexes = new ArrayDeque<>();
        String pendingField = null;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            String here;
            if (t == JsonToken.FIELD_NAME) {
                String parent = paths.isEmpty() ? "" : paths.peek();
                pendingField = parent.isEmpty() ? p.currentName() : parent + "." + p.currentName();
                locations.putIfAbsent(pendingField, p.currentTokenLocation());
                continue;
            }
            if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                paths.pop();
                indexes.pop();
                continue;
            }
            if (!indexes.isEmpty() && indexes.peek()[0] >= 0) {
                here = paths.peek() + "[" + indexes.peek()[0]++ + "]";
                locations.putIfAbsent(here, p.currentTokenLocation());
            } else {
                here = pendingField != null ? pendingField : "";
            }
            pendingField = null;
            if (t == JsonToken.START_OBJECT) {
                paths.push(here);
                indexes.push(new int[] {-1});
            } else if (t == JsonToken.START_ARRAY) {
                paths.push(here);
                indexes.push(new int[] {0});
            }
        }
    }

    JsonLocation findExact(String path) {
        return path == null || path.isEmpty() ? null : locations.get(path);
    }

    /** The location of the field, or of its closest ancestor that has one. */
    JsonLocation find(String path) {
        String p = path;
        while (p != null && !p.isEmpty()) {
            JsonLocation loc = locations.get(p);
            if (loc != null) return loc;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut > 0 ? p.substring(0, cut) : null;
        }
        return null;
    }
}
